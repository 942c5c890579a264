import Foundation
import Testing

/// Runtime errors: `Error: <description>` on stderr, exit status 1. None of these reach training.
@Suite("runtime errors, end to end")
struct CLIRuntimeErrorTests {
    @Test func missingConfigFileIsNamed() throws {
        let result = try PtrainProcess.run("train", "--config", "/nonexistent.json")
        #expect(
            result
                == ProcessResult(
                    status: 1, stdout: "", stderr: "Error: /nonexistent.json: cannot read configuration: no such file\n"
                ))
    }

    /// Writes `json` to a temporary file and runs `train --config <file>`; returns the file's path and result.
    func trainWithConfig(_ json: String) throws -> (path: String, result: ProcessResult) {
        let directory = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.json")
        try Data(json.utf8).write(to: file)
        return (file.path, try PtrainProcess.run("train", "--config", file.path, "--data", "/tmp/nonexistent-dir"))
    }

    @Test func unknownConfigKeySuggestsTheClosest() throws {
        let (path, result) = try trainWithConfig(#"{ "hiden": 800 }"#)
        #expect(
            result
                == ProcessResult(
                    status: 1, stdout: "", stderr: "Error: \(path): unknown key 'hiden'. Did you mean 'hidden'?\n"))
    }

    @Test func outOfRangeConfigValueIsNamed() throws {
        let (path, result) = try trainWithConfig(#"{ "eps": 2 }"#)
        #expect(
            result
                == ProcessResult(
                    status: 1, stdout: "",
                    stderr: "Error: \(path): key 'eps' = 2.0 is out of range (allowed: greater than 0, at most 1)\n"))
    }

    /// The data layer's wording is its own; the command line's part is the `Error: ` line naming the
    /// directory, and exit status 1.
    @Test func missingDataDirectoryIsNamed() throws {
        let result = try PtrainProcess.run("train", "--data", "/tmp/nonexistent-dir")
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("Error: "))
        #expect(result.stderr.contains("/tmp/nonexistent-dir"))
        #expect(result.stderr.hasSuffix("\n") && result.stderr.dropLast().contains("\n") == false, "one line")
    }

    /// The data layer states what was searched; the command line adds how to get the data or point at it.
    @Test func missingDataSaysHowToGetIt() throws {
        let result = try PtrainProcess.run("train", "--data", "/tmp/nonexistent-dir")
        let message =
            "Error: MNIST not found (searched: /tmp/nonexistent-dir). Download it with 'ptrain fetch-data --to DIR', "
            + "or point to a copy with PTRAIN_DATA=DIR or --data DIR.\n"
        #expect(result == ProcessResult(status: 1, stdout: "", stderr: message))
    }

    /// `--threads=8` and a negative number as a value parse: the run gets as far as the data.
    @Test func equalsFormAndNegativeValuesParse() throws {
        let result = try PtrainProcess.run(
            "train", "--threads=8", "--beta", "-0.5", "--tau-m", "null", "--data", "/tmp/nonexistent-dir")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("/tmp/nonexistent-dir"))
    }

    @Test func missingCheckpointIsNamedBeforeDataIsRead() throws {
        let result = try PtrainProcess.run("eval", "--checkpoint", "/nonexistent/weights.bin")
        #expect(
            result
                == ProcessResult(
                    status: 1, stdout: "", stderr: "Error: /nonexistent/weights.bin: no such checkpoint file\n"))
    }

    /// The default build has no MPI: `--distributed` says how to get a build that has it (docs/distributed.md).
    @Test("--distributed in a build without MPI explains how to enable it", arguments: ["train", "sweep"])
    func distributedNeedsAnMPIBuild(command: String) throws {
        let result = try PtrainProcess.run(
            command == "sweep" ? ["sweep", "--hidden", "100", "--distributed"] : ["train", "--distributed"])
        let message =
            "Error: --distributed: this ptrain was built without MPI: install Open MPI (apt-get install "
            + "libopenmpi-dev openmpi-bin) and build with 'PTRAIN_MPI=1 swift build -c release "
            + "--scratch-path .build-mpi' (docs/distributed.md)\n"
        #expect(result == ProcessResult(status: 1, stdout: "", stderr: message))
    }
}
