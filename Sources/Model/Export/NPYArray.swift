/// One array in NumPy's `.npy` format, version 1.0 (numpy/lib/format.py, "Format Version 1.0"): the magic
/// `\x93NUMPY`, the version bytes 1 and 0, a little-endian `u16` header length, then an ASCII Python dictionary
/// literal `{'descr': '<f4', 'fortran_order': False, 'shape': (784, 100), }` padded with spaces and ended by a
/// newline so that the data starts at a multiple of 64 bytes, then the elements in C (row-major) order,
/// little-endian: the bytes `numpy.save` writes for the same array (tested against NumPy's own output). Every type written here is one `numpy.load(..., allow_pickle=False)` reads: no object arrays.
public struct NPYArray: Equatable, Sendable {
    /// The element type and the elements, flattened in row-major order.
    public enum Elements: Equatable, Sendable {
        /// `<f4`.
        case float32([Float])
        /// `<i4`.
        case int32([Int32])
        /// `|u1`.
        case uint8([UInt8])
        /// `<U`n: one string of n Unicode scalars, stored as UTF-32LE (n may not be 0, which NumPy cannot
        /// represent as an element type; an empty string is written as `<U1` holding one NUL, which NumPy reads
        /// back as '').
        case unicode(String)
    }

    public let shape: [Int]
    public let elements: Elements

    /// The data alignment of the header NumPy writes since 1.14 (`ARRAY_ALIGN`).
    static let alignment = 64
    static let growthDigits = 21
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// An array of `shape` (`[]` for a 0-d array); the element count must be the product of `shape`.
    public init(shape: [Int], _ elements: Elements) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        let count: Int
        switch elements {
        case .float32(let values): count = values.count
        case .int32(let values): count = values.count
        case .uint8(let values): count = values.count
        case .unicode: count = 1
        }
        precondition(shape.reduce(1, *) == count, "shape \(shape) does not hold \(count) elements")
        self.shape = shape
        self.elements = elements
    }

    /// A 0-d array holding one string (NumPy's `np.array("…")`, read back with `a[()]` or `str(a)`).
    public static func scalar(_ text: String) -> NPYArray {
        NPYArray(shape: [], .unicode(text))
    }

    /// The `descr` of the header: NumPy's type string.
    var typeString: String {
        switch elements {
        case .float32: return "<f4"
        case .int32: return "<i4"
        case .uint8: return "|u1"
        case .unicode(let text): return "<U\(max(1, text.unicodeScalars.count))"
        }
    }

    /// The header dictionary, as NumPy writes it: `(3,)` for one dimension, `()` for none.
    var headerDictionary: String {
        let dimensions = shape.map(String.init)
        let shapeText = dimensions.count == 1 ? "(\(dimensions[0]),)" : "(" + dimensions.joined(separator: ", ") + ")"
        return "{'descr': '\(typeString)', 'fortran_order': False, 'shape': \(shapeText), }"
    }

    /// The whole `.npy` file.
    public func encoded() -> [UInt8] {
        // 10 bytes precede the dictionary: magic (6), version (2), header length (2).
        let prefixLength = Self.magic.count + 4
        var header = Array(headerDictionary.utf8)
        // NumPy leaves room for the first dimension to grow to 21 digits (`GROWTH_AXIS_MAX_DIGITS`) so that a
        // header can be rewritten in place; the same spaces make these files byte-identical to `numpy.save`'s.
        if let first = shape.first {
            header += [UInt8](repeating: UInt8(ascii: " "), count: max(0, Self.growthDigits - String(first).count))
        }
        let padding = (Self.alignment - (prefixLength + header.count + 1) % Self.alignment) % Self.alignment
        header += [UInt8](repeating: UInt8(ascii: " "), count: padding) + [UInt8(ascii: "\n")]
        var bytes = Self.magic + [1, 0]
        bytes.appendLittleEndian(UInt16(header.count))
        bytes += header
        switch elements {
        case .float32(let values):
            bytes.reserveCapacity(bytes.count + 4 * values.count)
            for value in values { bytes.appendLittleEndian(value.bitPattern) }
        case .int32(let values):
            bytes.reserveCapacity(bytes.count + 4 * values.count)
            for value in values { bytes.appendLittleEndian(value) }
        case .uint8(let values):
            bytes += values
        case .unicode(let text):
            for scalar in text.unicodeScalars { bytes.appendLittleEndian(scalar.value) }
            if text.isEmpty { bytes.appendLittleEndian(UInt32(0)) }
        }
        return bytes
    }
}
