import Foundation

/// Who a run directory belongs to: `run.json`, written when a run starts and updated when it is resumed.
///
/// A run directory holds one run. Its identity is the configuration (hashed without `epochs`, the one key a
/// run may change as it continues), the data it was trained on, when and by which command it was created,
/// the checkpoint it was forked from (if any), and the settings that shape its files on disk (`keep`, the
/// checkpoint interval), so that no later invocation deletes what an earlier one kept.
public struct RunIdentity: IdentityFile, Sendable, Equatable {
    /// The file's name in the run directory.
    public static let fileName = "run.json"
    /// The layout of this file; a reader refuses another one.
    public static let currentFormat = 1
    public static let kind = "a run identity file"

    /// Where a forked run came from.
    public struct Parent: Codable, Sendable, Equatable {
        /// The parent run's directory, as it was given.
        public var directory: String
        /// The parent run's `id`, when the parent had a `run.json`.
        public var run: String?
        /// The checkpoint file the fork continued from.
        public var checkpoint: String
        /// Its position: epochs finished, and batches done of the next one.
        public var epochsDone: Int
        public var batchesDone: Int
        /// Configuration keys whose values the fork changed (JSON names), in table order.
        public var changedKeys: [String]

        public init(
            directory: String, run: String?, checkpoint: String, epochsDone: Int, batchesDone: Int,
            changedKeys: [String]
        ) {
            self.directory = directory
            self.run = run
            self.checkpoint = checkpoint
            self.epochsDone = epochsDone
            self.batchesDone = batchesDone
            self.changedKeys = changedKeys
        }
    }

    /// One invocation that trained in this directory.
    public struct Invocation: Codable, Sendable, Equatable {
        /// UTC, ISO 8601.
        public var time: String
        /// The command line, word by word.
        public var command: [String]

        public init(time: String, command: [String]) {
            self.time = time
            self.command = command
        }

        /// An invocation by `command` now.
        public static func now(_ command: [String]) -> Invocation {
            Invocation(time: RunIdentity.timestamp(Date()), command: command)
        }
    }

    public var format: Int
    /// A random identifier of the run (a UUID), kept across resumes.
    public var id: String
    /// UTC, ISO 8601, when the run was created.
    public var created: String
    /// `fnv1a64:<16 hex digits>` of the configuration with `epochs` left out (`RunIdentity.configurationHash`).
    public var configuration: String
    /// The data fingerprint's description, when known.
    public var data: String?
    public var parent: Parent?
    /// `epoch-XXXX.ckpt` files of the last `keep` epochs are kept; a resumed run may only raise it.
    public var keep: Int
    /// The mid-epoch checkpoint interval as given on the command line (`10m`, `250`, `off`).
    public var checkpointEvery: String
    /// Every invocation that trained here, the creating one first.
    public var invocations: [Invocation]

    /// A new identity for a run of `config`, created now by `command`.
    public init(
        config: RunConfig, data: String?, parent: Parent?, keep: Int, checkpointEvery: String, command: [String],
        now: Date = Date()
    ) {
        format = Self.currentFormat
        id = UUID().uuidString.lowercased()
        created = Self.timestamp(now)
        configuration = Self.configurationHash(config)
        self.data = data
        self.parent = parent
        self.keep = keep
        self.checkpointEvery = checkpointEvery
        invocations = [Invocation(time: created, command: command)]
    }

    /// FNV-1a 64 of `config.json`'s text with `epochs` set to 1: equal for two configurations that differ only
    /// in the number of epochs.
    public static func configurationHash(_ config: RunConfig) -> String {
        var normalized = config
        normalized.epochs = 1
        let hash = FNV1a.hash64(Array(normalized.jsonText().utf8))
        let digits = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// A small JSON file that says what a directory holds (`run.json`, `sweep.json`): versioned, written as pretty
/// JSON with sorted keys, read with one-line errors.
public protocol IdentityFile: Codable {
    /// The layout this ptrain writes and reads; a file of another format is refused.
    static var currentFormat: Int { get }
    /// What the file is, for messages (`a run identity file`).
    static var kind: String { get }
    var format: Int { get }
}

extension IdentityFile {
    /// The file's text: pretty JSON with sorted keys and a final newline.
    public func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings, integers and arrays cannot fail.
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Reads `path`; nil when there is no such file.
    public static func read(path: String) throws(RunDirectoryError) -> Self? {
        let bytes: [UInt8]
        do {
            bytes = try FileContents.bytes(atPath: path)
        } catch {
            if error.reason == "no such file" { return nil }
            throw .unreadableIdentity(path: path, reason: error.reason)
        }
        let identity: Self
        do {
            identity = try JSONDecoder().decode(Self.self, from: Data(bytes))
        } catch {
            throw .unreadableIdentity(path: path, reason: "not \(kind) (\(decodingReason(error)))")
        }
        guard identity.format == currentFormat else {
            throw .unreadableIdentity(
                path: path, reason: "format \(identity.format) is not \(currentFormat), the one this ptrain reads")
        }
        return identity
    }

    private static func decodingReason(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "malformed JSON" : "bad value at '\(path)'"
        default: return "malformed JSON"
        }
    }
}
