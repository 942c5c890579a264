import Foundation
import Model
import Testing

/// `ptrain inspect weights.bin`: a weights file is described (format, shape, configuration), not refused as a
/// non-checkpoint; a damaged one is an error naming the file, left as it was.
@Suite("inspect: weights files, end to end")
struct InspectWeightsTests {
    /// A 4-3-2 network's weights file, written by the library.
    static func sample() -> [UInt8] {
        var config = RunConfig()
        config.name = "tiny"
        config.hidden = 3
        config.epochs = 2
        config.shards = 1
        config.seed = 7
        return WeightsFile.encode(
            network: Network(inputs: 4, hidden: 3, outputs: 2, shards: 1, seed: 7), config: config)
    }

    @Test("the report: format, size and CRC32, shape, what it was trained with, the configuration")
    func describesAWeightsFile() throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let bytes = Self.sample()
        let path = scratch.appendingPathComponent("weights.bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let crc = bytes.suffix(4).reversed().map { String(format: "%02x", $0) }.joined()
        let result = try PtrainProcess.run(["inspect", path])
        #expect(result.status == 0 && result.stderr == "", "\(result)")
        #expect(
            result.stdout == """
                weights file   \(path)
                format         PTRW 1 (weights only), \(bytes.count) bytes, CRC32 0x\(crc) verified
                network        4 inputs, 3 hidden, 2 outputs; 23 parameters, Float32, canonical order
                trained with   tiny: 2 epochs, batch 10, seed 7, nudge centered, rule stdp, lr1 0.05, lr2 0.05
                not stored     training cursor, metrics, best accuracy: see the run's checkpoints ('ptrain inspect \
                latest.ckpt'); evaluate with 'ptrain eval --checkpoint \(path)'

                configuration
                  {
                    "name": "tiny",
                    "hidden": 3,
                    "batch": 10,
                    "epochs": 2,
                    "timeSteps": 20,
                    "theta": 1.0,
                    "tauM": null,
                    "dt": 1.0,
                    "kFree": 5,
                    "kPos": 4,
                    "eps": 0.5,
                    "nudge": "centered",
                    "beta": 0.5,
                    "etaC": 0.5,
                    "rule": "stdp",
                    "lr1": 0.05,
                    "lr2": 0.05,
                    "lrDecay": 1.0,
                    "alpha": 0.0,
                    "seed": 7,
                    "shards": 1,
                    "trainLimit": null,
                    "testLimit": null
                  }

                """)
    }

    @Test("a weights file with a flipped byte is an error naming it, exit 1, the file unchanged")
    func damagedWeightsFile() throws {
        let scratch = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        var bytes = Self.sample()
        bytes[bytes.count - 10] ^= 0x40
        let path = scratch.appendingPathComponent("weights.bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try PtrainProcess.run(["inspect", path])
        #expect(
            result
                == ProcessResult(
                    status: 1, stdout: "", stderr: "Error: \(path): CRC32 mismatch: the file is corrupted\n"))
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
    }
}
