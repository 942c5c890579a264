/// The part of HDF5's data model that a NIR file needs: groups of named links and datasets of one fixed-size
/// element type, written contiguously (no chunks, no filters, no attributes). `HDF5File` encodes a tree of them.
public indirect enum HDF5Object: Equatable, Sendable {
    /// A group: its members by name, in the order given (HDF5 readers list them by name).
    case group([HDF5Link])
    case dataset(HDF5Dataset)
}

/// One member of a group: a hard link from `name` to an object.
public struct HDF5Link: Equatable, Sendable {
    public var name: String
    public var object: HDF5Object

    public init(_ name: String, _ object: HDF5Object) {
        self.name = name
        self.object = object
    }
}

/// The element types written: IEEE little-endian floats, a signed little-endian 64-bit integer, and
/// fixed-length UTF-8 strings padded with NUL bytes (`H5T_STR_NULLPAD`, which h5py reads as NumPy `S` bytes).
public enum HDF5Datatype: Equatable, Sendable {
    case float32
    case float64
    case int64
    /// A string of exactly `length` bytes (at least 1).
    case string(length: Int)

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .float32: return 4
        case .float64, .int64: return 8
        case .string(let length): return length
        }
    }
}

/// A dataset: its element type, its shape (`[]`: a scalar, one element) and its elements' bytes in row-major
/// order.
public struct HDF5Dataset: Equatable, Sendable {
    public var datatype: HDF5Datatype
    public var shape: [Int]
    public var bytes: [UInt8]

    public init(datatype: HDF5Datatype, shape: [Int], bytes: [UInt8]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(
            bytes.count == shape.reduce(1, *) * datatype.size,
            "\(bytes.count) bytes do not hold \(shape) elements of \(datatype.size) bytes")
        self.datatype = datatype
        self.shape = shape
        self.bytes = bytes
    }

    /// Float32 elements of `shape` (a vector of `values.count` when nil).
    public static func float32(_ values: [Float], shape: [Int]? = nil) -> HDF5Dataset {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 * values.count)
        for value in values { bytes.appendLittleEndian(value.bitPattern) }
        return HDF5Dataset(datatype: .float32, shape: shape ?? [values.count], bytes: bytes)
    }

    /// Float64 elements of `shape` (a vector of `values.count` when nil).
    public static func float64(_ values: [Double], shape: [Int]? = nil) -> HDF5Dataset {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 * values.count)
        for value in values { bytes.appendLittleEndian(value) }
        return HDF5Dataset(datatype: .float64, shape: shape ?? [values.count], bytes: bytes)
    }

    /// A scalar float64.
    public static func float64(_ value: Double) -> HDF5Dataset {
        float64([value], shape: [])
    }

    /// Int64 elements of `shape` (a vector of `values.count` when nil).
    public static func int64(_ values: [Int64], shape: [Int]? = nil) -> HDF5Dataset {
        var bytes: [UInt8] = []
        for value in values { bytes.appendLittleEndian(value) }
        return HDF5Dataset(datatype: .int64, shape: shape ?? [values.count], bytes: bytes)
    }

    /// A scalar int64.
    public static func int64(_ value: Int64) -> HDF5Dataset {
        int64([value], shape: [])
    }

    /// A scalar string, as long as its UTF-8 (at least 1 byte: an empty string is one NUL).
    public static func string(_ text: String) -> HDF5Dataset {
        strings([text], shape: [])
    }

    /// Strings of `shape`, each padded with NULs to the longest one's UTF-8 length.
    public static func strings(_ texts: [String], shape: [Int]) -> HDF5Dataset {
        let encoded = texts.map { Array($0.utf8) }
        let length = max(1, encoded.map(\.count).max() ?? 0)
        var bytes: [UInt8] = []
        for text in encoded { bytes += text + [UInt8](repeating: 0, count: length - text.count) }
        return HDF5Dataset(datatype: .string(length: length), shape: shape, bytes: bytes)
    }
}
