import Foundation

/// The two IDX file kinds a data set directory holds.
public enum IDXKind: Sendable, Equatable, CustomStringConvertible {
    /// `u8` tensors of rank 2 to 5: count × the dimensions of one sample (MNIST: count × rows × columns, magic
    /// `0x00000803`; a feature vector per sample is rank 2, channels × rows × columns rank 4).
    case images
    /// `u8` tensors of rank 1: one byte per sample.
    case labels

    /// The magic number of this kind at `rank` (dimensions counted with the sample count): two zero bytes, the
    /// element type (0x08 = unsigned byte) and the rank.
    public func magic(rank: Int) -> UInt32 { 0x0000_0800 | UInt32(rank) }

    /// The ranks accepted: 2...5 for images (one to four dimensions per sample), 1 for labels.
    public var ranks: ClosedRange<Int> {
        switch self {
        case .images: return 2...5
        case .labels: return 1...1
        }
    }

    /// MNIST's magic number of this kind (`0x00000803` for images, `0x00000801` for labels), for messages.
    public var magic: UInt32 { magic(rank: self == .images ? 3 : 1) }

    /// Header length in bytes at `rank`: the magic and one 32-bit size per dimension.
    public static func headerBytes(rank: Int) -> Int { 4 + 4 * rank }

    /// Header length in bytes of MNIST's files of this kind (16 for images, 8 for labels).
    public var headerBytes: Int { Self.headerBytes(rank: self == .images ? 3 : 1) }

    /// The longest header of this kind (24 bytes for rank-5 images).
    public var maximumHeaderBytes: Int { Self.headerBytes(rank: ranks.upperBound) }

    public var description: String {
        switch self {
        case .images: return "images"
        case .labels: return "labels"
        }
    }
}

/// A parsed IDX image file: `count` samples of `shape` bytes, sample after sample, row-major.
public struct IDXImages: Sendable, Equatable {
    public let count: Int
    /// The dimensions of one sample (`[28, 28]` for MNIST).
    public let shape: [Int]
    /// `count × shape.product` bytes.
    public let pixels: [UInt8]

    public init(count: Int, shape: [Int], pixels: [UInt8]) {
        precondition(pixels.count == count * shape.reduce(1, *), "IDXImages: pixel count does not match the shape")
        self.count = count
        self.shape = shape
        self.pixels = pixels
    }

    /// `shape` as rows × columns (`Dataset.rows`): the last dimension, and the product of the others.
    public var rows: Int { shape.dropLast().reduce(1, *) }
    public var columns: Int { shape[shape.count - 1] }
}

/// Reading the IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/): a big-endian header, then the
/// bytes. Images may have any rank from 2 to 5 (one to four dimensions per sample), elements unsigned bytes.
/// Files may be gzip-compressed; that is detected from the content, not the name.
///
/// Parsing never traps, whatever the input: every size is checked against the bytes present before anything is
/// sliced or allocated, and the whole file must be consumed exactly (a truncated file and a file with trailing
/// bytes are both errors). The `Data` entry points are the ones to fuzz.
public enum IDX {
    /// The largest dimension accepted for a sample. Far above MNIST's 28; with at most four dimensions a sample
    /// is at most 2^56 bytes, inside `Int`, and it is checked against `maximumBytes` before the count multiplies
    /// it (2^32 × 2^30), so the size arithmetic cannot overflow.
    public static let maximumDimension = 16_384

    /// The most bytes of images or labels (header excluded) one file may declare: 1 GiB, 22 times MNIST's
    /// largest file (47,040,000 bytes of training images). A header declaring more is refused before anything
    /// is allocated or inflated.
    public static let maximumBytes = 1 << 30

    /// Parses an IDX image file (magic `0x00000802`…`0x00000805`; MNIST's is `0x00000803`), raw or
    /// gzip-compressed.
    ///
    /// - Parameter name: the file's name or path, for error messages.
    public static func parseImages(_ data: Data, name: String) throws(DataError) -> IDXImages {
        let bytes = try contents(data, kind: .images, name: name)
        let header = try IDXHeader(bytes, kind: .images, name: name)
        let body = bytes.count - header.headerBytes
        if body < header.bodyBytes {
            throw .truncatedImages(path: name, expected: header.count, shape: header.shape, bodyBytes: body)
        }
        if body > header.bodyBytes {
            throw .trailingBytes(path: name, kind: .images, count: header.count, extra: body - header.bodyBytes)
        }
        return IDXImages(count: header.count, shape: header.shape, pixels: Array(bytes[header.headerBytes...]))
    }

    /// Parses an IDX label file (magic `0x00000801`), raw or gzip-compressed. Any byte is a label: the loader
    /// takes the class count from the largest.
    ///
    /// - Parameter name: the file's name or path, for error messages.
    public static func parseLabels(_ data: Data, name: String) throws(DataError) -> [UInt8] {
        let bytes = try contents(data, kind: .labels, name: name)
        let count = try IDXHeader(bytes, kind: .labels, name: name).count
        let body = bytes.count - IDXKind.labels.headerBytes
        if body < count {
            throw .truncatedLabels(path: name, expected: count, found: body)
        }
        if body > count {
            throw .trailingBytes(path: name, kind: .labels, count: count, extra: body - count)
        }
        return Array(bytes[IDXKind.labels.headerBytes...])
    }

    /// Reads and parses the IDX image file at `path`; errors name `path` as given.
    public static func readImages(path: String) throws(DataError) -> IDXImages {
        try parseImages(read(path), name: path)
    }

    /// Reads and parses the IDX label file at `path`; errors name `path` as given.
    public static func readLabels(path: String) throws(DataError) -> [UInt8] {
        try parseLabels(read(path), name: path)
    }

    /// The whole file at `path`.
    static func read(_ path: String) throws(DataError) -> Data {
        do {
            return try FileContents.data(atPath: path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
    }

    /// The IDX bytes: `data` itself, or its decompressed contents when it starts with the gzip magic. Inflation
    /// is bounded by the header: it stops with `DataError.inflatesPastHeader` one byte past the size the first
    /// `kind.maximumHeaderBytes` inflated bytes declare (the longest header: a shorter one's first body bytes
    /// come with it and are not read as header), and the header itself is checked (magic, dimensions,
    /// `maximumBytes`) before the body is inflated. A stream shorter than that is returned whole and parsed.
    private static func contents(_ data: Data, kind: IDXKind, name: String) throws(DataError) -> [UInt8] {
        guard Gzip.isGzip(data) else { return [UInt8](data) }
        return try Gzip.decompress(data, name: name, headerBytes: kind.maximumHeaderBytes) {
            (header: [UInt8]) throws(DataError) -> Int in
            let parsed = try IDXHeader(header, kind: kind, name: name)
            return parsed.headerBytes + parsed.bodyBytes
        }
    }
}

/// The checked header of an IDX file: the magic number (kind and rank), the header length, the sample's
/// dimensions (1...`IDX.maximumDimension` each) and the declared size (at most `IDX.maximumBytes`).
private struct IDXHeader {
    /// Samples (images or labels) declared.
    let count: Int
    /// The dimensions of one sample; `[]` for labels.
    let shape: [Int]
    /// The header's length: 4 + 4 × rank.
    let headerBytes: Int
    /// Bytes after the header the file must hold: count × the product of `shape`.
    let bodyBytes: Int

    /// Checks the header at the start of `bytes` (the whole file, or at least its header).
    init(_ bytes: [UInt8], kind: IDXKind, name: String) throws(DataError) {
        guard bytes.count >= 4 else {
            throw .truncatedHeader(path: name, kind: kind, headerBytes: kind.headerBytes, fileBytes: bytes.count)
        }
        let magic = Self.uint32(bytes, at: 0)
        let rank = Int(magic & 0xFF)
        guard magic & 0xFFFF_FF00 == 0x0000_0800, kind.ranks.contains(rank) else {
            throw .badMagic(path: name, kind: kind, found: magic)
        }
        headerBytes = IDXKind.headerBytes(rank: rank)
        guard bytes.count >= headerBytes else {
            throw .truncatedHeader(path: name, kind: kind, headerBytes: headerBytes, fileBytes: bytes.count)
        }
        count = Int(Self.uint32(bytes, at: 4))
        shape = (1..<rank).map { Int(Self.uint32(bytes, at: 4 + 4 * $0)) }
        guard shape.allSatisfy({ (1...IDX.maximumDimension).contains($0) }) else {
            throw .badDimensions(path: name, shape: shape)
        }
        // No overflow: at most four dimensions of at most 2^14 (see `maximumDimension`), and the sample size is
        // checked against 2^30 before the 32-bit count multiplies it.
        let sampleBytes = shape.reduce(1, *)
        guard sampleBytes <= IDX.maximumBytes, count * sampleBytes <= IDX.maximumBytes else {
            throw .tooLarge(
                path: name, kind: kind, count: count,
                bytes: sampleBytes <= IDX.maximumBytes ? count * sampleBytes : sampleBytes)
        }
        bodyBytes = count * sampleBytes
    }

    /// The big-endian `UInt32` at `offset`, assembled from copied bytes (no alignment or endianness assumptions).
    /// Callers have checked `offset + 4 <= bytes.count`; the precondition states that, it cannot fire.
    private static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        precondition(offset >= 0 && offset <= bytes.count - 4, "IDX header read past the bytes checked")
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }
}
