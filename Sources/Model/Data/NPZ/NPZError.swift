/// Why a NumPy `.npz` archive, or one array in it, could not be read.
///
/// Every case names the archive, and every case about one entry names its key (the entry's name without
/// `.npy`); `description` is one line that starts with the archive's path, so the command line can print
/// `Error: \(error)`:
///
///     data.npz: x_train: truncated: the header declares shape (100, 64) of <f4 (25600 bytes), the entry holds 25000
public enum NPZError: Error, Equatable, CustomStringConvertible {
    /// The file exists but could not be read (permissions, I/O error, it is a directory…).
    case unreadable(path: String, reason: String)
    /// No end of central directory record in the last 65,557 bytes (22 plus the longest comment).
    case notZip(path: String)
    /// The file starts like a zip archive (a local file header) but its end, the central directory, is missing.
    case truncatedArchive(path: String)
    /// The end of central directory record, the zip64 records or the central directory are inconsistent.
    case corruptDirectory(path: String, reason: String)
    /// Two entries have the same key (`a` and `a.npy`, or the same name twice).
    case duplicateKey(path: String, key: String)
    /// The entry's local header or data is missing or disagrees with the central directory.
    case corruptEntry(path: String, key: String, reason: String)
    /// General-purpose flag bit 0 (traditional encryption) or bit 6 (strong encryption) is set.
    case encrypted(path: String, key: String)
    /// A compression method other than 0 (stored) and 8 (deflate).
    case unsupportedMethod(path: String, key: String, method: UInt16)
    /// The central directory declares more uncompressed bytes than `NPZArchive.maximumEntryBytes`.
    case entryTooLarge(path: String, key: String, bytes: UInt64)
    /// zlib refused the deflate data, or the stream ends early or is followed by more bytes.
    case corruptDeflate(path: String, key: String, reason: String)
    /// The deflate data goes on past the uncompressed size the central directory declares; inflation stopped.
    case inflatesPastSize(path: String, key: String, declared: Int)
    /// The entry holds `found` bytes (stored, or inflated) where the central directory declares `declared`.
    case sizeMismatch(path: String, key: String, declared: Int, found: Int)
    /// The CRC-32 of the entry's uncompressed bytes is not the one the central directory declares.
    case crcMismatch(path: String, key: String, declared: UInt32, computed: UInt32)
    /// The entry does not start with the `.npy` magic `\x93NUMPY`.
    case notNPY(path: String, key: String)
    /// A `.npy` format version other than 1.0, 2.0 and 3.0.
    case unsupportedVersion(path: String, key: String, major: UInt8, minor: UInt8)
    /// The entry ends before the `.npy` header does (`needed` bytes, magic and length included).
    case truncatedHeader(path: String, key: String, needed: Int, found: Int)
    /// The header is not the dictionary literal of `descr`, `fortran_order` and `shape` that NumPy writes.
    case badHeader(path: String, key: String, reason: String)
    /// An element type this reader does not decode (`reason` says why, when there is more to say).
    case unsupportedDtype(path: String, key: String, descr: String, reason: String?)
    /// `fortran_order: True` for an array of which more than one dimension is longer than 1.
    case fortranOrder(path: String, key: String, shape: [Int])
    /// The header declares more than `NPZArchive.maximumArrayBytes` bytes of elements, or a size past `Int`.
    case arrayTooLarge(path: String, key: String, shape: [Int], descr: String)
    /// The entry holds `found` bytes of elements where the header's shape and type need `expected`.
    case dataLength(path: String, key: String, shape: [Int], descr: String, expected: Int, found: Int)
    /// A string element that is not valid UTF-32 (`<U`n) or UTF-8 (`|S`n).
    case badString(path: String, key: String, index: Int, reason: String)
    /// A `u8` element past `Int64.max`, which `NPYValue.Storage.integers` cannot hold.
    case integerOutOfRange(path: String, key: String, index: Int, value: UInt64)

    /// The archive the error is about, as given to `NPZArchive.read` or `parse`.
    public var path: String {
        switch self {
        case .unreadable(let path, _), .notZip(let path), .truncatedArchive(let path), .corruptDirectory(let path, _),
            .duplicateKey(let path, _), .corruptEntry(let path, _, _), .encrypted(let path, _),
            .unsupportedMethod(let path, _, _), .entryTooLarge(let path, _, _), .corruptDeflate(let path, _, _),
            .inflatesPastSize(let path, _, _), .sizeMismatch(let path, _, _, _), .crcMismatch(let path, _, _, _),
            .notNPY(let path, _), .unsupportedVersion(let path, _, _, _), .truncatedHeader(let path, _, _, _),
            .badHeader(let path, _, _), .unsupportedDtype(let path, _, _, _), .fortranOrder(let path, _, _),
            .arrayTooLarge(let path, _, _, _), .dataLength(let path, _, _, _, _, _), .badString(let path, _, _, _),
            .integerOutOfRange(let path, _, _, _):
            return path
        }
    }

    /// One line: the path, then the message, in which control characters that came from the archive (entry
    /// names, type strings) are escaped (`\n`, `\u{07}`), so that a crafted name cannot break the line.
    public var description: String {
        let text = unescaped
        let prefix = path + ": "
        guard text.hasPrefix(prefix) else { return Self.printable(text) }
        return prefix + Self.printable(String(text.dropFirst(prefix.count)))
    }

    /// `text` with every control character (C0, DEL, C1, and the line and paragraph separators) escaped as
    /// Swift writes it in a string literal.
    static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            let isControl =
                scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028
                || scalar.value == 0x2029
            result += isControl ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return result
    }

    private var unescaped: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .notZip(let path):
            return "\(path): not a zip archive (no end of central directory record)"
        case .truncatedArchive(let path):
            return "\(path): truncated zip archive (it starts with a local file header but has no end of central "
                + "directory record)"
        case .corruptDirectory(let path, let reason):
            return "\(path): corrupt zip directory: \(reason)"
        case .duplicateKey(let path, let key):
            return "\(path): \(key): more than one entry has this key"
        case .corruptEntry(let path, let key, let reason):
            return "\(path): \(key): corrupt zip entry: \(reason)"
        case .encrypted(let path, let key):
            return "\(path): \(key): encrypted entries are not supported"
        case .unsupportedMethod(let path, let key, let method):
            return "\(path): \(key): compression method \(method) is not supported (only 0, stored, and 8, deflate)"
        case .entryTooLarge(let path, let key, let bytes):
            return "\(path): \(key): the zip directory declares \(bytes) bytes, more than the "
                + "\(NPZArchive.maximumEntryBytes)-byte limit of an entry"
        case .corruptDeflate(let path, let key, let reason):
            return "\(path): \(key): deflate data is corrupt (\(reason))"
        case .inflatesPastSize(let path, let key, let declared):
            return "\(path): \(key): deflate data inflates past the \(declared) bytes the zip directory declares"
        case .sizeMismatch(let path, let key, let declared, let found):
            return "\(path): \(key): the zip directory declares \(declared) bytes, the entry holds \(found)"
        case .crcMismatch(let path, let key, let declared, let computed):
            return "\(path): \(key): CRC-32 mismatch (the zip directory declares \(hex(declared)), the data's is "
                + "\(hex(computed)))"
        case .notNPY(let path, let key):
            return "\(path): \(key): not a .npy array (no \\x93NUMPY magic)"
        case .unsupportedVersion(let path, let key, let major, let minor):
            return "\(path): \(key): unsupported .npy format version \(major).\(minor) (1.0, 2.0 and 3.0 are read)"
        case .truncatedHeader(let path, let key, let needed, let found):
            return "\(path): \(key): truncated .npy header: it needs \(needed) bytes, the entry holds \(found)"
        case .badHeader(let path, let key, let reason):
            return "\(path): \(key): bad .npy header: \(reason)"
        case .unsupportedDtype(let path, let key, let descr, let reason):
            return "\(path): \(key): unsupported dtype '\(descr)'" + (reason.map { " (\($0))" } ?? "")
        case .fortranOrder(let path, let key, let shape):
            return "\(path): \(key): the array of shape \(NPYHeader.shapeText(shape)) is in Fortran (column-major) "
                + "order, which is not supported (save np.ascontiguousarray(a) instead)"
        case .arrayTooLarge(let path, let key, let shape, let descr):
            return "\(path): \(key): the header declares shape \(NPYHeader.shapeText(shape)) of \(descr), more than "
                + "the \(NPZArchive.maximumArrayBytes)-byte limit of an array"
        case .dataLength(let path, let key, let shape, let descr, let expected, let found):
            let declared = "shape \(NPYHeader.shapeText(shape)) of \(descr) (\(expected) bytes)"
            if found < expected {
                return "\(path): \(key): truncated: the header declares \(declared), the entry holds \(found)"
            }
            let extra = found - expected
            return "\(path): \(key): \(extra) \(extra == 1 ? "byte" : "bytes") after the \(declared) the header "
                + "declares"
        case .badString(let path, let key, let index, let reason):
            return "\(path): \(key): string \(index) is not valid: \(reason)"
        case .integerOutOfRange(let path, let key, let index, let value):
            return "\(path): \(key): element \(index) is \(value), past the largest Int64"
        }
    }
}

/// `0x0000abcd`: eight hex digits, as CRC-32 values are usually written.
private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
