import Foundation
import Testing

/// The command lines kept in `Fuzz/Regressions/FuzzCommandLine/` (crashes `FuzzCommandLine` found, once fixed,
/// and lines made by hand to be nasty), run through the built binary: each must be a usage error (exit 64,
/// `Error: …` on stderr), not a trap. The parser is internal to the executable, hence end to end rather than in
/// `ModelTests/FuzzRegressionTests.swift` with the other fuzz targets. A kept line must fail in parse or
/// validate, so no test here can start training or a download.
@Suite("fuzz regressions, command line")
struct FuzzRegressionCommandLineTests {
    /// A file of `Fuzz/Regressions/FuzzCommandLine/`, read as `FuzzCommandLine` reads its input: arguments each
    /// ended by a 0 byte, as in `/proc/PID/cmdline`.
    struct Arguments: Sendable, CustomTestStringConvertible {
        let fileName: String
        let words: [String]
        var testDescription: String { fileName }
    }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Regressions/FuzzCommandLine")

    static let inputs: [Arguments] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
                return nil
            }
            let bytes = [UInt8](data)
            var words = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self)
            }
            if bytes.last == 0 || bytes.isEmpty { words.removeLast() }
            return Arguments(fileName: name, words: words)
        }
    }()

    @Test func regressionsExist() {
        #expect(!Self.inputs.isEmpty, "\(Self.directory.path) is empty or missing")
    }

    /// Bytes that are not UTF-8 reach the child already repaired (Swift strings are Unicode); that is also what
    /// `CommandLine.arguments` hands the parser.
    @Test(arguments: inputs)
    func isAUsageError(_ input: Arguments) throws {
        let result = try PtrainProcess.run(input.words)
        #expect(result.status == 64, "\(result)")
        #expect(result.stdout.isEmpty && result.stderr.hasPrefix("Error: "), "\(result)")
    }
}
