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
        func u32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { bytes += $0 } }
        func u64(_ value: Int) { withUnsafeBytes(of: UInt64(value).littleEndian) { bytes += $0 } }
        let json = Array(config.jsonText().utf8)
        u32(json.count)
        bytes += json
        let input = network.stack.input
        for value in [input.rows, input.columns, input.channels, input.isImage ? 1 : 0, network.outputs] { u32(value) }
        for layer in network.layers {
            for buffer in [layer.weights, layer.bias] {
                u64(buffer.count)
                buffer.withUnsafeBufferPointer { floats in
                    for value in floats { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
                }
            }
        }
        withUnsafeBytes(of: CRC32.checksum(bytes).littleEndian) { bytes += $0 }
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
        let body = bytes.prefix(bytes.count - 4)
        let stored = bytes.suffix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
        guard CRC32.checksum(body) == stored else { throw fail("damaged (its CRC-32 does not match)") }
        var offset = magic.count
        func integer(_ width: Int) throws(LayeredModelError) -> Int {
            guard offset + width <= body.count else { throw fail("truncated at byte \(offset)") }
            var value: UInt64 = 0
            for k in 0..<width { value |= UInt64(body[body.startIndex + offset + k]) << (8 * k) }
            offset += width
            guard value <= UInt64(Int32.max) * 64 else { throw fail("a size of \(value) at byte \(offset - width)") }
            return Int(value)
        }
        let jsonLength = try integer(4)
        guard offset + jsonLength <= body.count else { throw fail("truncated in its configuration") }
        let json = Data(body[(body.startIndex + offset)..<(body.startIndex + offset + jsonLength)])
        offset += jsonLength
        let config: RunConfig
        do {
            config = try RunConfig.decode(json, source: "\(path) (configuration)")
        } catch {
            throw fail("its configuration: \(error.description)")
        }
        let (rows, columns, channels, isImage, outputs) = (
            try integer(4), try integer(4), try integer(4), try integer(4), try integer(4)
        )
        let input = ActivationShape(rows: rows, columns: columns, channels: channels, isImage: isImage == 1)
        let stack: LayerStack
        do {
            stack = try LayerStack(input: input, layers: config.layers, outputs: outputs)
        } catch {
            throw fail("its layers: \(error.description)")
        }
        guard outputs >= 1 && outputs <= Network.maximumOutputs else { throw fail("\(outputs) outputs") }
        // Each parameter takes at least 4 bytes: a network larger than the file is refused before it is allocated.
        guard stack.totalParameters <= (body.count - offset) / 4 else {
            throw fail("its layers need at least \(stack.totalParameters) parameters, more than the file holds")
        }
        let network = LayeredNetwork(stack: stack, outputs: outputs)
        for (l, layer) in network.layers.enumerated() {
            for buffer in [layer.weights, layer.bias] {
                let count = try integer(8)
                guard count == buffer.count else {
                    throw fail("layer \(l) stores \(count) values where its shape needs \(buffer.count)")
                }
                guard offset + 4 * count <= body.count else { throw fail("truncated in layer \(l)") }
                buffer.withUnsafeMutableBufferPointer { floats in
                    for j in 0..<count {
                        let at = body.startIndex + offset + 4 * j
                        let bits =
                            UInt32(body[at]) | UInt32(body[at + 1]) << 8 | UInt32(body[at + 2]) << 16
                            | UInt32(body[at + 3]) << 24
                        floats[j] = Float(bitPattern: bits)
                    }
                }
                offset += 4 * count
            }
        }
        guard offset == body.count else { throw fail("\(body.count - offset) bytes after the last layer") }
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
