import Foundation

/// Finds the data set — a directory of MNIST's four IDX files, or one `.npz` file — so that `ptrain train`
/// works without options in the usual layouts.
public enum DataLocator {
    /// The directory or file to load the data set from, as an absolute path.
    ///
    /// Looks, in order, at:
    /// 1. `explicit` (`--data DIR` or `--data FILE.npz`): when given, it is the only place looked at — a wrong
    ///    `--data` fails, naming the directory, rather than silently training on data from somewhere else;
    /// 2. `$PTRAIN_DATA` (ignored when empty);
    /// 3. `../shared/data/mnist`, then 4. `./data/mnist`.
    ///
    /// Relative paths are resolved against `workingDirectory`. A regular file qualifies as it is (an `.npz`
    /// archive: its contents are checked on loading, `NPZDataSet`). A directory qualifies when all of `files`
    /// (by default the four MNIST files; `ptrain eval` asks for the two test files) are present in some
    /// accepted name form (`MNISTFile.candidateNames`); their contents are checked on loading.
    ///
    /// - Throws: `DataError.missingFile` when `explicit` is an existing directory that lacks a file (the message
    ///   says which); otherwise `DataError.notFound(searched:)` listing every absolute path tried.
    public static func locate(
        explicit: String?, environment: [String: String], workingDirectory: String,
        files: [MNISTFile] = MNISTFile.allCases
    ) throws(DataError) -> String {
        func allPresent(in directory: String) -> Bool {
            isRegularFile(directory) || files.allSatisfy { $0.find(in: directory) != nil }
        }
        if let explicit {
            let directory = absolute(explicit, in: workingDirectory)
            if allPresent(in: directory) { return directory }
            let missing = files.first { $0.find(in: directory) == nil }
            if isDirectory(directory), let missing {
                throw .missingFile(directory: directory, file: missing.rawValue, tried: missing.candidateNames)
            }
            throw .notFound(searched: [directory])
        }
        var candidates: [String] = []
        if let fromEnvironment = environment["PTRAIN_DATA"], !fromEnvironment.isEmpty {
            candidates.append(fromEnvironment)
        }
        candidates += ["../shared/data/mnist", "data/mnist"]
        var searched: [String] = []
        for candidate in candidates {
            let directory = absolute(candidate, in: workingDirectory)
            if allPresent(in: directory) { return directory }
            if !searched.contains(directory) { searched.append(directory) }
        }
        throw .notFound(searched: searched)
    }

    /// `path` made absolute against `workingDirectory`, with `.` and `..` components removed.
    static func absolute(_ path: String, in workingDirectory: String) -> String {
        let base = URL(fileURLWithPath: workingDirectory, isDirectory: true)
        return URL(fileURLWithPath: path, isDirectory: true, relativeTo: base).standardizedFileURL.path
    }

    /// Whether `path` is a regular file (or a link to one): a data set in one file.
    public static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
