import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The files of a run directory and how they are replaced.
///
/// | file | written |
/// |---|---|
/// | `config.json` | at the start (the resolved configuration) |
/// | `metrics.csv` | after every epoch (and at the start of a resumed run) |
/// | `weights.bin` | after every epoch (`WeightsFile`: weights and configuration only) |
/// | `averaged.bin` | after every epoch from `averageFrom` on (`WeightsFile` of the averaged weights) |
/// | `latest.ckpt` | after every epoch, every `--checkpoint-every`, and when interrupted |
/// | `best.ckpt` | after an epoch that improves the best epoch (`EpochSelection`: validation, else test) |
/// | `epoch-XXXX.ckpt` | after epoch XXXX; only the last `keep` epochs' files are kept |
///
/// Every file is replaced atomically (`AtomicFile`), so a crash leaves each file old or new, never half-written.
public struct RunDirectory: Sendable {
    public static let configuration = "config.json"
    public static let metrics = "metrics.csv"
    public static let weights = "weights.bin"
    public static let averagedWeights = "averaged.bin"
    public static let latest = "latest.ckpt"
    public static let best = "best.ckpt"

    /// `epoch-0003.ckpt`.
    public static func epochCheckpoint(_ epoch: Int) -> String {
        let digits = String(epoch)
        return "epoch-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".ckpt"
    }

    /// The epoch of an `epoch-XXXX.ckpt` name, or nil for any other name.
    public static func epoch(ofCheckpoint name: String) -> Int? {
        guard name.hasPrefix("epoch-"), name.hasSuffix(".ckpt") else { return nil }
        let digits = name.dropFirst(6).dropLast(5)
        guard digits.count >= 4, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The path of `name` in the directory.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// What `--resume PATH` names: a run directory (its `latest.ckpt`) or a checkpoint file (whose directory
    /// the run continues in).
    public static func resumeSource(_ path: String) -> (checkpoint: String, directory: String) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return (RunDirectory(path: path).file(latest), path)
        }
        let directory = (path as NSString).deletingLastPathComponent
        return (path, directory.isEmpty ? "." : directory)
    }

    func create() throws(SessionError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .output("\(path): cannot create run directory: \(error.localizedDescription)")
        }
    }

    /// Removes the temporary files (`latest.ckpt.tmp.<pid>`) that a process killed while writing left behind,
    /// when that process no longer exists. A live process's temporary file is left alone.
    func removeStaleTemporaries() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        let ours = [Self.configuration, Self.metrics, Self.weights, Self.averagedWeights, Self.latest, Self.best]
        for name in names {
            guard let range = name.range(of: ".tmp.", options: .backwards) else { continue }
            let target = String(name[..<range.lowerBound])
            guard ours.contains(target) || Self.epoch(ofCheckpoint: target) != nil,
                let pid = Int32(name[range.upperBound...]), pid > 0, pid != getpid()
            else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(file(name)) }
        }
    }

    /// Deletes `epoch-XXXX.ckpt` files with XXXX ≤ `epoch − keep` (those older than the last `keep` epochs).
    func pruneEpochCheckpoints(after epoch: Int, keep: Int) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names {
            guard let old = Self.epoch(ofCheckpoint: name), old <= epoch - keep else { continue }
            unlink(file(name))
        }
    }
}
