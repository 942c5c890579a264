import Foundation

/// What one run of the built `ptrain` binary printed and returned.
struct ProcessResult: Equatable, CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs the built `ptrain` binary end to end.
enum PtrainProcess {
    /// The `ptrain` executable of this build. SwiftPM puts it in the same products directory as the test
    /// executable (`.build/<config>/ptrainPackageTests.xctest` on Linux; on macOS the test bundle's binary is
    /// three levels further down, inside `ptrainPackageTests.xctest/Contents/MacOS/`), so walk up from the
    /// test executable until a `ptrain` file is found. `PTRAIN_BINARY` overrides the search.
    static let binary: URL? = {
        if let explicit = ProcessInfo.processInfo.environment["PTRAIN_BINARY"] {
            return URL(fileURLWithPath: explicit)
        }
        let starts = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])].compactMap { $0 }
        for start in starts {
            var directory = start.standardizedFileURL.deletingLastPathComponent()
            for _ in 0..<5 {
                let candidate = directory.appendingPathComponent("ptrain")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
                    !isDirectory.boolValue,
                    FileManager.default.isExecutableFile(atPath: candidate.path)
                {
                    return candidate
                }
                directory.deleteLastPathComponent()
            }
        }
        return nil
    }()

    struct BinaryNotFound: Error, CustomStringConvertible {
        var description: String {
            "no ptrain executable next to the test executable \(Bundle.main.executableURL?.path ?? CommandLine.arguments[0]); "
                + "build it (swift build) or set PTRAIN_BINARY"
        }
    }

    /// Runs `ptrain arguments…` in a fresh empty directory (so no `configs/` is found) with `PTRAIN_DATA`
    /// removed from the environment unless given in `environment`. Output goes to files, not pipes, so a long
    /// output cannot block the child.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        guard let binary else { throw BinaryNotFound() }
        let scratch = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = try OutputFiles(in: scratch)
        let process = try start(binary, arguments, in: scratch, output: output, environment: environment)
        process.waitUntilExit()
        return try output.result(status: process.terminationStatus)
    }

    static func run(_ arguments: String...) throws -> ProcessResult {
        try run(arguments)
    }

    /// A new empty directory under the system's temporary directory; the caller removes it.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ptrain-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Where a child's standard output and error go: two files (never pipes, which could block the child).
struct OutputFiles {
    let stdout: URL
    let stderr: URL

    /// Creates `.stdout<suffix>` and `.stderr<suffix>`, empty, in `directory`.
    init(in directory: URL, suffix: String = "") throws {
        stdout = directory.appendingPathComponent(".stdout\(suffix)")
        stderr = directory.appendingPathComponent(".stderr\(suffix)")
        try Data().write(to: stdout)
        try Data().write(to: stderr)
    }

    /// What the child wrote, with its exit status.
    func result(status: Int32) throws -> ProcessResult {
        ProcessResult(
            status: status, stdout: String(decoding: try Data(contentsOf: stdout), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: stderr), as: UTF8.self))
    }
}

extension PtrainProcess {
    /// Starts `executable arguments…` in `directory`: standard input empty, output into `output`'s files, the
    /// test's environment without `PTRAIN_DATA` and with `environment` added. The one way every test starts a
    /// child process.
    static func start(
        _ executable: URL, _ arguments: [String], in directory: URL, output: OutputFiles,
        environment: [String: String] = [:]
    ) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var childEnvironment = ProcessInfo.processInfo.environment
        childEnvironment["PTRAIN_DATA"] = nil
        childEnvironment.merge(environment) { $1 }
        process.environment = childEnvironment
        let out = try FileHandle(forWritingTo: output.stdout)
        let err = try FileHandle(forWritingTo: output.stderr)
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return process
    }
}

extension PtrainProcess {
    /// Runs `/bin/sh -c script binary` in `directory`, with `PTRAIN_DATA` removed: for command lines that a
    /// `Process` cannot pass, such as arguments that are not valid UTF-8 (`$(printf 'run\377')`). Output goes to
    /// files outside `directory`, so the directory holds only what the child created.
    static func runShell(_ script: String, binary: URL, in directory: URL) throws -> ProcessResult {
        let scratch = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = try OutputFiles(in: scratch)
        let process = try start(
            URL(fileURLWithPath: "/bin/sh"), ["-c", script, binary.path], in: directory, output: output)
        process.waitUntilExit()
        return try output.result(status: process.terminationStatus)
    }
}
