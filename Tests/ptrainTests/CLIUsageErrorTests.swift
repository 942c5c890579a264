import Foundation
import Testing

/// Usage errors: exact stderr (message, usage line, help hint), nothing on stdout, exit status 64.
@Suite("usage errors, end to end")
struct CLIUsageErrorTests {
    static let trainUsage = """
        Usage: ptrain train [--config FILE] [--KEY VALUE ...] [--threads N] [--out DIR] [--data DIR]
          See 'ptrain train --help' for more information.

        """
    static let rootUsage = """
        Usage: ptrain <subcommand> [options]
          See 'ptrain --help' for more information.

        """

    func expectUsageError(_ arguments: [String], _ message: String, usage: String = trainUsage) throws {
        let result = try PtrainProcess.run(arguments)
        #expect(result == ProcessResult(status: 64, stdout: "", stderr: "Error: \(message)\n" + usage), "\(arguments)")
    }

    @Test func unknownOptionSuggestsTheClosest() throws {
        try expectUsageError(["train", "--thread", "2"], "Unknown option '--thread'. Did you mean '--threads'?")
    }

    @Test func unknownConfigFlagSuggestsTheClosest() throws {
        try expectUsageError(["train", "--hiden", "10"], "Unknown option '--hiden'. Did you mean '--hidden'?")
    }

    @Test func unknownOptionWithoutNearNameHasNoSuggestion() throws {
        try expectUsageError(["train", "--frobnicate"], "Unknown option '--frobnicate'.")
    }

    @Test func unknownSubcommandSuggestsTheClosest() throws {
        try expectUsageError(["trian"], "Unknown subcommand 'trian'. Did you mean 'train'?", usage: Self.rootUsage)
    }

    @Test func missingSubcommand() throws {
        try expectUsageError([], "Missing subcommand.", usage: Self.rootUsage)
    }

    @Test func missingValueAtTheEnd() throws {
        try expectUsageError(["train", "--hidden"], "Missing value for '--hidden'.")
    }

    @Test func missingValueBeforeAnotherOption() throws {
        try expectUsageError(["train", "--hidden", "--threads", "2"], "Missing value for '--hidden'.")
    }

    @Test(arguments: [
        (["train", "--threads", "0"], "Invalid value '0' for '--threads': must be in 1...1024."),
        (["train", "--threads", "10000"], "Invalid value '10000' for '--threads': must be in 1...1024."),
        (["train", "--threads", "-3"], "Invalid value '-3' for '--threads': must be in 1...1024."),
        (["train", "--threads=0"], "Invalid value '0' for '--threads': must be in 1...1024."),
        (["train", "--threads", "many"], "Invalid value 'many' for '--threads': must be an integer."),
        (["train", "--hidden", "0"], "Invalid value '0' for '--hidden': must be in 1...1000000."),
        (["train", "--hidden", "1.5"], "Invalid value '1.5' for '--hidden': must be an integer."),
        (["train", "--eps", "2"], "Invalid value '2' for '--eps': must be greater than 0, at most 1."),
        (
            ["train", "--nudge", "sideways"],
            "Invalid value 'sideways' for '--nudge': must be one of beta | direct | centered."
        ),
        (["train", "--out="], "Invalid value '' for '--out': must not be empty."),
        (
            ["train", "--lr1", "0x1p-3"],
            "Invalid value '0x1p-3' for '--lr1': must be a finite decimal number within Float's range."
        ),
        (
            ["train", "--lr1", "nan"],
            "Invalid value 'nan' for '--lr1': must be a finite decimal number within Float's range."
        ),
        (
            ["train", "--lr2", "inf"],
            "Invalid value 'inf' for '--lr2': must be a finite decimal number within Float's range."
        ),
        (
            ["train", "--lr1", "1e999"],
            "Invalid value '1e999' for '--lr1': must be a finite decimal number within Float's range."
        ),
        (
            ["train", "--lr1", " 0.1"],
            "Invalid value ' 0.1' for '--lr1': must be a finite decimal number within Float's range."
        ),
        (["train", "--seed", "0x10"], "Invalid value '0x10' for '--seed': must be a non-negative integer."),
        (["train", "--seed", "+5"], "Invalid value '+5' for '--seed': must be a non-negative integer."),
        (["train", "--threads", "+2"], "Invalid value '+2' for '--threads': must be an integer."),
        (["train", "--threads", " 2"], "Invalid value ' 2' for '--threads': must be an integer."),
        (["train", "--shards", "70000"], "Invalid value '70000' for '--shards': must be in 0...65536."),
    ])
    func invalidValues(arguments: [String], message: String) throws {
        try expectUsageError(arguments, message)
    }

    @Test func unexpectedArgument() throws {
        try expectUsageError(["train", "fast"], "Unexpected argument 'fast'.")
    }

    @Test func flagWithValue() throws {
        try expectUsageError(["train", "--help=yes"], "Option '--help' takes no value (got 'yes').")
    }

    @Test func evalNeedsACheckpoint() throws {
        try expectUsageError(
            ["eval", "--threads", "2"], "Missing required option '--checkpoint FILE'.",
            usage: """
                Usage: ptrain eval --checkpoint FILE [--averaged] [--data DIR] [--threads N] [--test-limit N] [--time-steps T]
                  See 'ptrain eval --help' for more information.

                """)
    }

    @Test func fetchDataRejectsAnUnsupportedMirror() throws {
        try expectUsageError(
            ["fetch-data", "--mirror", "ftp://example.org/mnist"],
            "Invalid value 'ftp://example.org/mnist' for '--mirror': must be an http, https or file URL.",
            usage: """
                Usage: ptrain fetch-data [--to DIR] [--mirror URL]
                  See 'ptrain fetch-data --help' for more information.

                """)
    }

    /// `sh -c 'exec "$0" …' ptrain` puts bytes that are not UTF-8 in the child's `argv` (`Process` takes
    /// Swift strings, which cannot hold them); the test's scratch directory must stay empty.
    @Test(
        "an argument that is not valid UTF-8 (--out, --data) is refused before anything runs, never rewritten",
        arguments: [
            ("train --out \"$(printf 'run\\377')\" --epochs 1", 3, "run\\xFF"),
            ("train --data \"$(printf 'mn\\377ist')\" --epochs 1", 3, "mn\\xFFist"),
            ("eval --checkpoint x --data=\"$(printf '\\303\\050')\"", 4, "--data=\\xC3("),
        ])
    func invalidUTF8Argument(script: String, index: Int, escaped: String) throws {
        let binary = try #require(PtrainProcess.binary)
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try PtrainProcess.runShell("exec \"$0\" \(script)", binary: binary, in: scratch)
        #expect(
            result
                == ProcessResult(
                    status: 64, stdout: "",
                    stderr: "Error: Argument \(index) is not valid UTF-8 ('\(escaped)'): ptrain takes paths and values "
                        + "in UTF-8 only.\n" + Self.rootUsage))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == [])
    }
}
