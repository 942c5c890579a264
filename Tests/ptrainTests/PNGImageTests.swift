import Model
import Testing
import ptrain

@Suite("PNG writer")
struct PNGImageTests {
    /// Splits a PNG into its chunks, checking each chunk's CRC.
    static func chunks(_ png: [UInt8]) -> [(type: String, data: [UInt8])] {
        var chunks: [(String, [UInt8])] = []
        var offset = 8
        while offset + 12 <= png.count {
            let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let typeAndData = Array(png[(offset + 4)..<(offset + 8 + length)])
            let crc = png[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(crc == CRC32.checksum(typeAndData), "CRC of chunk at \(offset)")
            chunks.append((String(decoding: typeAndData[0..<4], as: UTF8.self), Array(typeAndData[4...])))
            offset += 12 + length
        }
        #expect(offset == png.count)
        return chunks
    }

    @Test("the image decodes with zlib to exactly its pixels", arguments: [(1, 1), (7, 3), (300, 241)])
    func decodesToThePixels(width: Int, height: Int) throws {
        let pixels = (0..<(width * height)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 / 5) }
        let png = PNGImage(width: width, height: height, pixels: pixels).bytes
        #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let chunks = Self.chunks(png)
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(
            chunks[0].data == [0, 0, UInt8(width >> 8), UInt8(width & 0xFF), 0, 0, 0, UInt8(height)] + [8, 0, 0, 0, 0])
        let raw = try #require(Zlib.decompress(chunks[1].data, size: (width + 1) * height))
        var decoded: [UInt8] = []
        for row in 0..<height {
            #expect(raw[row * (width + 1)] == 0, "filter byte of row \(row)")
            decoded += raw[(row * (width + 1) + 1)..<((row + 1) * (width + 1))]
        }
        #expect(decoded == pixels)
    }

    @Test("zlib round trip, and corrupt or wrong-size data is refused")
    func zlibRoundTrip() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let packed = Zlib.compress(bytes)
        #expect(packed.count < bytes.count / 10)
        #expect(Zlib.decompress(packed, size: bytes.count) == bytes)
        #expect(Zlib.decompress(packed, size: bytes.count + 1) == nil)
        #expect(Zlib.decompress(Array(packed.dropLast()), size: bytes.count) == nil)
    }
}
