import Foundation

/// One array read from a `.npy` file or `.npz` entry: its shape and its elements in C (row-major) order.
public struct NPYValue: Equatable, Sendable {
    /// The elements, by the kind of `descr` they were stored as.
    public enum Storage: Equatable, Sendable {
        /// `u1`: bytes stay bytes (image data: a quarter of the memory of `integers`' 8 bytes per element).
        case uint8([UInt8])
        /// `f4`.
        case float32([Float])
        /// `f8`.
        case float64([Double])
        /// `i1`, `i2`, `u2`, `i4`, `u4`, `i8`, `u8` (a `u8` element past `Int64.max` is an error).
        case integers([Int64])
        /// `U`n and `S`n, without the trailing NULs NumPy pads them with, as `numpy.load` returns them.
        case strings([String])
    }

    /// The dimensions; `[]` for a 0-d array, which holds one element.
    public let shape: [Int]
    /// The header's type string as written, e.g. `<f4`, `|u1`, `<U5`.
    public let descr: String
    public let storage: Storage

    /// The number of elements: the product of `shape` (which `init` checked to fit in `Int`).
    public var count: Int { Self.elementCount(shape) ?? 0 }

    /// The product of `shape`, nil when it overflows `Int` (0 when a dimension is 0, however large the others).
    static func elementCount(_ shape: [Int]) -> Int? {
        if shape.contains(0) { return 0 }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// An array of `shape` holding `storage`, whose element count must be the product of `shape`.
    public init(shape: [Int], descr: String, storage: Storage) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        let count: Int
        switch storage {
        case .uint8(let values): count = values.count
        case .float32(let values): count = values.count
        case .float64(let values): count = values.count
        case .integers(let values): count = values.count
        case .strings(let values): count = values.count
        }
        precondition(Self.elementCount(shape) == count, "shape \(shape) does not hold \(count) elements")
        self.shape = shape
        self.descr = descr
        self.storage = storage
    }

    /// Parses a whole `.npy` file (numpy/lib/format.py): magic, version, header, then exactly the elements the
    /// header declares.
    ///
    /// `path` and `key` name the archive and the entry in errors.
    static func decode(_ bytes: ArraySlice<UInt8>, path: String, key: String) throws(NPZError) -> NPYValue {
        let base = bytes.startIndex
        let prefix = NPYHeader.magic.count + 2
        guard bytes.count >= prefix, bytes.prefix(NPYHeader.magic.count).elementsEqual(NPYHeader.magic) else {
            throw .notNPY(path: path, key: key)
        }
        let major = bytes[base + 6]
        let minor = bytes[base + 7]
        let lengthBytes: Int
        switch (major, minor) {
        case (1, 0): lengthBytes = 2
        case (2, 0), (3, 0): lengthBytes = 4
        default: throw .unsupportedVersion(path: path, key: key, major: major, minor: minor)
        }
        guard bytes.count >= prefix + lengthBytes else {
            throw .truncatedHeader(path: path, key: key, needed: prefix + lengthBytes, found: bytes.count)
        }
        var headerLength = 0
        for index in 0..<lengthBytes { headerLength |= Int(bytes[base + prefix + index]) << (8 * index) }
        guard headerLength <= NPYHeader.maximumBytes else {
            throw .badHeader(
                path: path, key: key,
                reason: "the header is \(headerLength) bytes long, more than the "
                    + "\(NPYHeader.maximumBytes) read")
        }
        let dataOffset = prefix + lengthBytes + headerLength
        guard bytes.count >= dataOffset else {
            throw .truncatedHeader(path: path, key: key, needed: dataOffset, found: bytes.count)
        }
        let header = try NPYHeader(
            bytes[(base + prefix + lengthBytes)..<(base + dataOffset)], path: path, key: key)
        let type = try NPYDataType(header.descr, path: path, key: key)
        // Column-major order is the same layout as row-major when at most one dimension is longer than 1.
        if header.fortranOrder && header.shape.filter({ $0 > 1 }).count > 1 {
            throw .fortranOrder(path: path, key: key, shape: header.shape)
        }
        let tooLarge = NPZError.arrayTooLarge(path: path, key: key, shape: header.shape, descr: header.descr)
        guard let count = Self.elementCount(header.shape) else { throw tooLarge }
        let (expected, overflow) = count.multipliedReportingOverflow(by: type.itemBytes)
        guard !overflow, expected <= NPZArchive.maximumArrayBytes else { throw tooLarge }
        let found = bytes.count - dataOffset
        guard found == expected else {
            throw .dataLength(
                path: path, key: key, shape: header.shape, descr: header.descr, expected: expected, found: found)
        }
        let data = bytes[(base + dataOffset)...]
        let storage = try Self.elements(data, count: count, type: type, path: path, key: key)
        return NPYValue(shape: header.shape, descr: header.descr, storage: storage)
    }

    /// The `count` elements of `type` in `data`, which holds exactly `count × type.itemBytes` bytes.
    static func elements(
        _ data: ArraySlice<UInt8>, count: Int, type: NPYDataType, path: String, key: String
    ) throws(NPZError) -> Storage {
        switch type {
        case .uint8:
            return .uint8(Array(data))
        case .float(4, let bigEndian):
            return .float32(load(data, count: count, bigEndian: bigEndian) { (raw: UInt32) in Float(bitPattern: raw) })
        case .float(_, let bigEndian):
            return .float64(load(data, count: count, bigEndian: bigEndian) { (raw: UInt64) in Double(bitPattern: raw) })
        case .integer(1, _, _):
            return .integers(data.map { Int64(Int8(bitPattern: $0)) })
        case .integer(2, let signed, let bigEndian):
            return .integers(
                load(data, count: count, bigEndian: bigEndian) { (raw: UInt16) in
                    signed ? Int64(Int16(bitPattern: raw)) : Int64(raw)
                })
        case .integer(4, let signed, let bigEndian):
            return .integers(
                load(data, count: count, bigEndian: bigEndian) { (raw: UInt32) in
                    signed ? Int64(Int32(bitPattern: raw)) : Int64(raw)
                })
        case .integer(_, let signed, let bigEndian):
            let raw = load(data, count: count, bigEndian: bigEndian) { (raw: UInt64) in raw }
            if !signed, let index = raw.firstIndex(where: { $0 > UInt64(Int64.max) }) {
                throw .integerOutOfRange(path: path, key: key, index: index, value: raw[index])
            }
            return .integers(raw.map { Int64(bitPattern: $0) })
        case .unicode(let characters, let bigEndian):
            let units = load(data, count: count * characters, bigEndian: bigEndian) { (raw: UInt32) in raw }
            var strings: [String] = []
            strings.reserveCapacity(count)
            for index in 0..<count {
                var scalars = units[(index * characters)..<((index + 1) * characters)]
                while scalars.last == 0 { scalars.removeLast() }
                var text = String.UnicodeScalarView()
                for unit in scalars {
                    guard let scalar = Unicode.Scalar(unit) else {
                        throw .badString(
                            path: path, key: key, index: index,
                            reason: "\(unit) is not a Unicode scalar value (UTF-32)")
                    }
                    text.append(scalar)
                }
                strings.append(String(text))
            }
            return .strings(strings)
        case .bytes(let length):
            var strings: [String] = []
            strings.reserveCapacity(count)
            for index in 0..<count {
                let start = data.startIndex + index * length
                var element = data[start..<(start + length)]
                while element.last == 0 { element.removeLast() }
                guard let text = String(bytes: element, encoding: .utf8) else {
                    throw .badString(path: path, key: key, index: index, reason: "the bytes are not UTF-8")
                }
                strings.append(text)
            }
            return .strings(strings)
        }
    }

    /// `count` little- or big-endian integers of `Raw`'s width read from `data` (which holds at least
    /// `count × Raw`'s size bytes), each passed through `transform`.
    static func load<Raw: FixedWidthInteger, Element>(
        _ data: ArraySlice<UInt8>, count: Int, bigEndian: Bool, _ transform: (Raw) -> Element
    ) -> [Element] {
        let size = MemoryLayout<Raw>.size
        precondition(data.count >= count * size, "\(data.count) bytes hold fewer than \(count) elements")
        return data.withUnsafeBytes { raw in
            // This is safe because every offset `index × size` with `index < count` leaves `size` bytes inside
            // `raw` (the precondition above), and `loadUnaligned` needs no alignment.
            (0..<count).map { index in
                let value = raw.loadUnaligned(fromByteOffset: index * size, as: Raw.self)
                return transform(bigEndian ? Raw(bigEndian: value) : Raw(littleEndian: value))
            }
        }
    }
}
