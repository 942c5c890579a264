import Foundation

/// `ptrain fetch-data`: downloads MNIST.
struct FetchDataCommand: Command {
    static let defaultDirectory = "data/mnist"

    static let spec = CommandSpec(
        name: "fetch-data",
        abstract: "Download the MNIST files",
        discussion: """
            Downloads the four gzip-compressed MNIST files (training and test images and labels) into DIR, \
            showing each file's progress. 'ptrain train' and 'ptrain eval' find ./\(defaultDirectory) by \
            themselves; for another directory pass --data DIR or set PTRAIN_DATA.
            """,
        synopsis: "[--to DIR] [--mirror URL]",
        groups: [
            OptionGroup(
                "OPTIONS",
                [
                    OptionSpec(
                        "to", value: "DIR", "Directory to download into, created if missing", default: defaultDirectory),
                    OptionSpec(
                        "mirror", value: "URL", "Base URL (http, https or file) that holds the four .gz files",
                        default: "the fetcher's built-in mirrors"),
                ])
        ])

    let directory: String
    let mirror: String?

    init(options: ParsedOptions) throws(UsageError) {
        directory = try options.nonEmptyString("to") ?? Self.defaultDirectory
        mirror = try options.nonEmptyString("mirror")
        if let mirror {
            let url = URL(string: mirror)
            guard let scheme = url?.scheme?.lowercased(), ["http", "https", "file"].contains(scheme) else {
                throw .invalidValue(value: mirror, option: "--mirror", reason: "must be an http, https or file URL")
            }
        }
    }

    func run() throws(RuntimeError) {
        let progress = DownloadProgressPrinter(terminal: Console.outputIsTerminal, write: Console.out)
        do {
            try DataAccess.fetch(to: directory, mirror: mirror, progress: progress.report)
        } catch {
            progress.finish()  // the last file's line before the error
            throw .fetch(error)
        }
        progress.finish()
        Console.out("MNIST is in \(directory)\n")
    }
}
