import Foundation

/// The two IDX file kinds MNIST uses.
public enum IDXKind: Sendable, Equatable, CustomStringConvertible {
    /// `u8` tensors of rank 3: count × rows × columns.
    case images
    /// `u8` tensors of rank 1: one byte per sample.
    case labels

    /// The magic number: two zero bytes, the element type (0x08 = unsigned byte) and the rank.
    public var magic: UInt32 {
        switch self {
        case .images: return 0x0000_0803
        case .labels: return 0x0000_0801
        }
    }

    /// Header length in bytes: the magic and one 32-bit size per dimension.
    public var headerBytes: Int {
        switch self {
        case .images: return 16
        case .labels: return 8
        }
    }

    public var description: String {
        switch self {
        case .images: return "images"
        case .labels: return "labels"
        }
    }
}

/// A parsed IDX image file: `count` images of `rows × columns` bytes, image after image, row-major.
public struct IDXImages: Sendable, Equatable {
    public let count: Int
    public let rows: Int
    public let columns: Int
    /// `count × rows × columns` bytes.
    public let pixels: [UInt8]

    public init(count: Int, rows: Int, columns: Int, pixels: [UInt8]) {
        precondition(pixels.count == count * rows * columns, "IDXImages: pixel count does not match the shape")
        self.count = count
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
    }
}

/// Reading the IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/): a big-endian header, then the
/// bytes. Files may be gzip-compressed; that is detected from the content, not the name.
///
/// Parsing never traps, whatever the input: every size is checked against the bytes present before anything is
/// sliced or allocated, and the whole file must be consumed exactly (a truncated file and a file with trailing
/// bytes are both errors). The `Data` entry points are the ones to fuzz.
public enum IDX {
    /// The largest side accepted for an image. Far above MNIST's 28; it keeps `count × rows × columns` well
    /// inside `Int` for any 32-bit count (2^32 × 2^14 × 2^14 = 2^60), so the size arithmetic cannot overflow.
    public static let maximumDimension = 16_384

    /// The most bytes of images or labels (header excluded) one file may declare: 1 GiB, 22 times MNIST's
    /// largest file (47,040,000 bytes of training images). A header declaring more is refused before anything
    /// is allocated or inflated.
    public static let maximumBytes = 1 << 30

    /// Parses an IDX image file (magic `0x00000803`), raw or gzip-compressed.
    ///
    /// - Parameter name: the file's name or path, for error messages.
    public static func parseImages(_ data: Data, name: String) throws(DataError) -> IDXImages {
        let bytes = try contents(data, kind: .images, name: name)
        let header = try IDXHeader(bytes, kind: .images, name: name)
        let body = bytes.count - IDXKind.images.headerBytes
        if body < header.bodyBytes {
            throw .truncatedImages(
                path: name, expected: header.count, rows: header.rows, columns: header.columns, bodyBytes: body)
        }
        if body > header.bodyBytes {
            throw .trailingBytes(path: name, kind: .images, count: header.count, extra: body - header.bodyBytes)
        }
        return IDXImages(
            count: header.count, rows: header.rows, columns: header.columns,
            pixels: Array(bytes[IDXKind.images.headerBytes...]))
    }

    /// Parses an IDX label file (magic `0x00000801`), raw or gzip-compressed, and checks every label is 0...9.
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
        let labels = Array(bytes[IDXKind.labels.headerBytes...])
        if let index = labels.firstIndex(where: { $0 > 9 }) {
            throw .badLabel(path: name, index: index, value: labels[index])
        }
        return labels
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
    /// `kind.headerBytes` inflated bytes declare, and the header itself is checked (magic, dimensions,
    /// `maximumBytes`) before the body is inflated.
    private static func contents(_ data: Data, kind: IDXKind, name: String) throws(DataError) -> [UInt8] {
        guard Gzip.isGzip(data) else { return [UInt8](data) }
        return try Gzip.decompress(data, name: name, headerBytes: kind.headerBytes) {
            (header: [UInt8]) throws(DataError) -> Int in
            kind.headerBytes + (try IDXHeader(header, kind: kind, name: name).bodyBytes)
        }
    }
}

/// The checked header of an IDX file: the magic number, the header length, the image dimensions (1...
/// `IDX.maximumDimension` a side) and the declared size (at most `IDX.maximumBytes`).
private struct IDXHeader {
    /// Images or labels declared.
    let count: Int
    /// Image height and width; 1 for labels.
    let rows: Int
    let columns: Int
    /// Bytes after the header the file must hold: count × rows × columns.
    let bodyBytes: Int

    /// Checks the header at the start of `bytes` (the whole file, or at least its first `kind.headerBytes`).
    init(_ bytes: [UInt8], kind: IDXKind, name: String) throws(DataError) {
        let reader = try HeaderReader(bytes: bytes, kind: kind, name: name)
        count = reader.dimension(0)
        switch kind {
        case .images:
            rows = reader.dimension(1)
            columns = reader.dimension(2)
            guard (1...IDX.maximumDimension).contains(rows) && (1...IDX.maximumDimension).contains(columns) else {
                throw .badDimensions(path: name, rows: rows, columns: columns)
            }
        case .labels:
            rows = 1
            columns = 1
        }
        // No overflow: count < 2^32 and rows, columns <= 2^14 (see `maximumDimension`).
        bodyBytes = count * rows * columns
        guard bodyBytes <= IDX.maximumBytes else {
            throw .tooLarge(path: name, kind: kind, count: count, bytes: bodyBytes)
        }
    }
}

/// Checks the magic number and header length of an IDX file, then hands out its dimensions.
private struct HeaderReader {
    let bytes: [UInt8]
    let kind: IDXKind

    init(bytes: [UInt8], kind: IDXKind, name: String) throws(DataError) {
        self.bytes = bytes
        self.kind = kind
        guard bytes.count >= 4 else {
            throw .truncatedHeader(path: name, kind: kind, headerBytes: kind.headerBytes, fileBytes: bytes.count)
        }
        let magic = Self.uint32(bytes, at: 0)
        guard magic == kind.magic else { throw .badMagic(path: name, kind: kind, found: magic) }
        guard bytes.count >= kind.headerBytes else {
            throw .truncatedHeader(path: name, kind: kind, headerBytes: kind.headerBytes, fileBytes: bytes.count)
        }
    }

    /// The size of dimension `index` (0 = count), a big-endian `UInt32` after the magic.
    func dimension(_ index: Int) -> Int {
        Int(Self.uint32(bytes, at: 4 + 4 * index))
    }

    /// The big-endian `UInt32` at `offset`, assembled from copied bytes (no alignment or endianness assumptions).
    /// Callers have checked `offset + 4 <= bytes.count`; the precondition states that, it cannot fire.
    private static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        precondition(offset >= 0 && offset <= bytes.count - 4, "IDX header read past the bytes checked")
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }
}
