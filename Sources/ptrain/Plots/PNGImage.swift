import Model

/// An 8-bit grayscale PNG; the image data is compressed by zlib (`Zlib.compress`), which replaced stored
/// (uncompressed) blocks and a hand-written Adler-32: the weights.png of `ptrain report` on a 100-neuron run
/// (`ptrain report RUN --data /work/shared/data/mnist`, 16 tiles) shrank from 476,893 to 59,558 bytes, with the
/// same pixels when both files are inflated with zlib.
public struct PNGImage {
    public let width: Int
    public let height: Int
    /// Row-major gray levels, `width × height`.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "\(pixels.count) pixels for a \(width)×\(height) image")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The PNG file: signature, IHDR, one IDAT holding every row (filter byte 0, none, then the row), IEND.
    public var bytes: [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity((width + 1) * height)
        for row in 0..<height {
            raw.append(0)  // filter: none
            raw += pixels[(row * width)..<((row + 1) * width)]
        }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 0, 0, 0, 0])
        png += chunk("IDAT", Zlib.compress(raw))
        png += chunk("IEND", [])
        return png
    }

    private func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(CRC32.checksum(typeBytes + data))
    }

    private func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
