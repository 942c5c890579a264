import Foundation

/// Why a weights file could not be read; the path is always named.
public enum WeightsFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case badMagic(path: String)
    case unsupportedVersion(path: String, version: UInt32)
    case truncated(path: String, needed: Int, available: Int)
    case checksumMismatch(path: String)
    case badConfiguration(path: String, reason: String)
    case shapeMismatch(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read weights: \(reason)"
        case .badMagic(let path): return "\(path): not a ptrain weights file (bad magic)"
        case .unsupportedVersion(let path, let version):
            return "\(path): unsupported weights file version \(version) (this ptrain reads version 1)"
        case .truncated(let path, let needed, let available):
            return "\(path): truncated: needs \(needed) bytes, file holds \(available)"
        case .checksumMismatch(let path): return "\(path): CRC32 mismatch: the file is corrupted"
        case .badConfiguration(let path, let reason): return "\(path): embedded configuration is invalid: \(reason)"
        case .shapeMismatch(let path, let reason): return "\(path): shape mismatch: \(reason)"
        }
    }
}

/// The simple versioned weights file written at the end of every epoch (`weights.bin`):
///
///     "PTRW" | version u32 = 1 | inputs u32 | hidden u32 | outputs u32 | config length u32 | config JSON
///     | parameters f32 × (inputs·hidden + hidden + hidden·outputs + outputs) | CRC32 u32 of all before it
///
/// Little-endian. Parameters in canonical order (W1 row-major, b1, W2 row-major, b2), independent of shards.
/// The full checkpoint format (training cursor, metrics, sections) is `docs/checkpoint-format.md`'s business.
public enum WeightsFile {
    static let magic: [UInt8] = Array("PTRW".utf8)
    static let version: UInt32 = 1

    /// The format version this ptrain writes and reads.
    public static var formatVersion: UInt32 { version }

    /// Whether `bytes` begin with the weights file's magic (`PTRW`): what tells it from a checkpoint.
    public static func hasMagic(_ bytes: [UInt8]) -> Bool { bytes.starts(with: magic) }

    /// The CRC32 stored in the last four bytes of a file that `decode` accepted.
    public static func storedChecksum(_ bytes: [UInt8]) -> UInt32 {
        precondition(bytes.count >= 4, "a decoded weights file ends with its CRC32")
        let end = bytes.count
        return UInt32(bytes[end - 4]) | UInt32(bytes[end - 3]) << 8 | UInt32(bytes[end - 2]) << 16
            | UInt32(bytes[end - 1]) << 24
    }

    /// The file's bytes for `network` trained with `config`.
    public static func encode(network: Network, config: RunConfig) -> [UInt8] {
        var bytes = magic
        bytes.appendLittleEndian(version)
        bytes.appendLittleEndian(UInt32(network.inputs))
        bytes.appendLittleEndian(UInt32(network.hidden))
        bytes.appendLittleEndian(UInt32(network.outputs))
        let json = Array(config.jsonText().utf8)
        bytes.appendLittleEndian(UInt32(json.count))
        bytes += json
        let parameters = network.canonicalParameters()
        bytes.reserveCapacity(bytes.count + parameters.count * 4 + 4)
        for value in parameters { bytes.appendLittleEndian(value.bitPattern) }
        bytes.appendLittleEndian(CRC32.checksum(bytes))
        return bytes
    }

    /// Writes the file atomically.
    public static func write(network: Network, config: RunConfig, to path: String) throws(FileWriteError) {
        try AtomicFile.write(encode(network: network, config: config), to: path)
    }

    /// Reads and validates a weights file; returns its configuration and a network holding its weights.
    public static func read(path: String) throws(WeightsFileError) -> (config: RunConfig, network: Network) {
        let bytes: [UInt8]
        do {
            bytes = try FileContents.bytes(atPath: path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        return try decode(bytes, path: path)
    }

    /// Decodes file bytes; `path` names the file in errors. Never traps on malformed input.
    public static func decode(_ bytes: [UInt8], path: String) throws(WeightsFileError) -> (
        config: RunConfig, network: Network
    ) {
        var reader = ByteReader(bytes: bytes)
        let headerSize = 4 + 4 * 5
        guard bytes.count >= 4 else { throw .truncated(path: path, needed: headerSize, available: bytes.count) }
        guard Array(bytes[0..<4]) == magic else { throw .badMagic(path: path) }
        reader.offset = 4
        guard let version = reader.uint32() else {
            throw .truncated(path: path, needed: headerSize, available: bytes.count)
        }
        guard version == WeightsFile.version else { throw .unsupportedVersion(path: path, version: version) }
        guard let inputs = reader.uint32(), let hidden = reader.uint32(), let outputs = reader.uint32(),
            let jsonLength = reader.uint32()
        else { throw .truncated(path: path, needed: headerSize, available: bytes.count) }
        guard inputs >= 1, inputs <= Network.maximumInputs, hidden >= 1, hidden <= 1_000_000, outputs >= 1,
            outputs <= Network.maximumOutputs
        else {
            throw .shapeMismatch(path: path, reason: "implausible shape \(inputs)×\(hidden)×\(outputs)")
        }
        let parameterCount = Int(inputs) * Int(hidden) + Int(hidden) + Int(hidden) * Int(outputs) + Int(outputs)
        let needed = headerSize + Int(jsonLength) + parameterCount * 4 + 4
        guard bytes.count >= needed else { throw .truncated(path: path, needed: needed, available: bytes.count) }
        guard bytes.count == needed else {
            throw .shapeMismatch(path: path, reason: "file holds \(bytes.count) bytes, the header implies \(needed)")
        }
        let stored =
            UInt32(bytes[needed - 4]) | UInt32(bytes[needed - 3]) << 8 | UInt32(bytes[needed - 2]) << 16
            | UInt32(bytes[needed - 1]) << 24
        guard CRC32.checksum(bytes[0..<(needed - 4)]) == stored else { throw .checksumMismatch(path: path) }
        let json = Data(bytes[reader.offset..<(reader.offset + Int(jsonLength))])
        reader.offset += Int(jsonLength)
        let config: RunConfig
        do {
            config = try RunConfig.decode(json, source: path)
        } catch {
            throw .badConfiguration(path: path, reason: error.description)
        }
        guard config.hidden == Int(hidden) else {
            throw .shapeMismatch(
                path: path, reason: "configuration says \(config.hidden) hidden neurons, weights \(hidden)")
        }
        var parameters = [Float](repeating: 0, count: parameterCount)
        for index in 0..<parameterCount { parameters[index] = Float(bitPattern: reader.uint32()!) }
        let network = Network(
            inputs: Int(inputs), hidden: Int(hidden), outputs: Int(outputs), shards: config.resolvedShards)
        network.load(canonicalParameters: parameters)
        return (config, network)
    }
}
