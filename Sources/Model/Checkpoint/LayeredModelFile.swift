import Foundation

/// A layered network's weights file (issue #15): `model.bin`, `best-model.bin` and `averaged-model.bin` of a
/// layered run. Little-endian throughout:
///
///     "PTRAINL1"                              magic and format version 1
///     u32 n, n bytes                          the run's config.json (its `layers` list included)
///     u32 rows, columns, channels, isImage    the input's shape
///     u32 outputs                             classes K
///     per layer (hidden layers, then output): u64 count, count f32 weights; u64 count, count f32 biases
///     u32 CRC-32 of every byte before it
///
/// Weights are stored as the network holds them (HWIO, channels padded to 16 with zeros). A reader of the
/// three-layer `weights.bin` format refuses this file by its magic, and this reader refuses that one.
public enum LayeredModelFile {
    public static let magic = Array("PTRAINL1".utf8)

    /// The file's bytes.
    public static func encode(network: LayeredNetwork, config: RunConfig) -> [UInt8] {
        var bytes = magic
        let json = Array(config.jsonText().utf8)
        bytes.appendLittleEndian(UInt32(json.count))
        bytes += json
        let input = network.stack.input
        for value in [input.rows, input.columns, input.channels, input.isImage ? 1 : 0, network.outputs] {
            bytes.appendLittleEndian(UInt32(value))
        }
        for layer in network.layers {
            for buffer in [layer.weights, layer.bias] {
                bytes.appendLittleEndian(UInt64(buffer.count))
                buffer.withUnsafeBufferPointer { floats in
                    for value in floats { bytes.appendLittleEndian(value.bitPattern) }
                }
            }
        }
        bytes.appendLittleEndian(CRC32.checksum(bytes))
        return bytes
    }

    /// Writes the file atomically.
    public static func write(network: LayeredNetwork, config: RunConfig, to path: String) throws(FileWriteError) {
        try AtomicFile.write(encode(network: network, config: config), to: path)
    }

    /// Reads a file: its configuration and network.
    /// - Throws: `LayeredModelError` naming the file and what is wrong with it.
    public static func read(path: String) throws(LayeredModelError) -> (RunConfig, LayeredNetwork) {
        let bytes: [UInt8]
        do {
            bytes = try FileContents.bytes(atPath: path)
        } catch {
            throw LayeredModelError(path: path, reason: error.reason)
        }
        return try decode(bytes, path: path)
    }

    /// Decodes a file's bytes (`path` names it in errors).
    public static func decode(_ bytes: [UInt8], path: String) throws(LayeredModelError) -> (RunConfig, LayeredNetwork) {
        func fail(_ reason: String) -> LayeredModelError { LayeredModelError(path: path, reason: reason) }
        guard bytes.count >= magic.count + 4, Array(bytes.prefix(magic.count)) == magic else {
            throw fail("not a layered ptrain model (no PTRAINL1 header)")
        }
        var crc = ByteReader(bytes: bytes, offset: bytes.count - 4)
        guard CRC32.checksum(bytes.prefix(bytes.count - 4)) == crc.uint32() else {
            throw fail("damaged (its CRC-32 does not match)")
        }
        // Everything between the magic and the CRC-32.
        var reader = ByteReader(bytes: bytes, offset: magic.count, end: bytes.count - 4)
        func size(_ value: UInt64?, at offset: Int) throws(LayeredModelError) -> Int {
            guard let value else { throw fail("truncated at byte \(offset)") }
            guard value <= UInt64(Int32.max) * 64 else { throw fail("a size of \(value) at byte \(offset)") }
            return Int(value)
        }
        func u32() throws(LayeredModelError) -> Int {
            let at = reader.offset
            return try size(reader.uint32().map(UInt64.init), at: at)
        }
        func u64() throws(LayeredModelError) -> Int {
            let at = reader.offset
            return try size(reader.uint64(), at: at)
        }
        let jsonLength = try u32()
        guard let jsonBytes = reader.bytes(jsonLength) else { throw fail("truncated in its configuration") }
        let config: RunConfig
        do {
            config = try RunConfig.decode(Data(jsonBytes), source: "\(path) (configuration)")
        } catch {
            throw fail("its configuration: \(error.description)")
        }
        let (rows, columns, channels, isImage, outputs) = (try u32(), try u32(), try u32(), try u32(), try u32())
        let input = ActivationShape(rows: rows, columns: columns, channels: channels, isImage: isImage == 1)
        let stack: LayerStack
        do {
            stack = try LayerStack(input: input, layers: config.layers, outputs: outputs)
        } catch {
            throw fail("its layers: \(error.description)")
        }
        guard outputs >= 1 && outputs <= Network.maximumOutputs else { throw fail("\(outputs) outputs") }
        // Each parameter takes at least 4 bytes: a network larger than the file is refused before it is allocated.
        guard stack.totalParameters <= reader.remaining / 4 else {
            throw fail("its layers need at least \(stack.totalParameters) parameters, more than the file holds")
        }
        let network = LayeredNetwork(stack: stack, outputs: outputs)
        for (l, layer) in network.layers.enumerated() {
            for buffer in [layer.weights, layer.bias] {
                let count = try u64()
                guard count == buffer.count else {
                    throw fail("layer \(l) stores \(count) values where its shape needs \(buffer.count)")
                }
                guard count <= reader.remaining / 4 else { throw fail("truncated in layer \(l)") }
                buffer.withUnsafeMutableBufferPointer { floats in
                    // Every read succeeds: count ≤ remaining / 4 was checked above.
                    for j in 0..<count { floats[j] = Float(bitPattern: reader.uint32() ?? 0) }
                }
            }
        }
        guard reader.remaining == 0 else { throw fail("\(reader.remaining) bytes after the last layer") }
        return (config, network)
    }
}

/// Why a layered model file cannot be read: one line naming the file.
public struct LayeredModelError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
