/// The element types this reader decodes, from a `.npy` header's `descr` (NumPy's array-protocol type string,
/// numpy/lib/format.py `descr_to_dtype`): a byte-order character (`<` little, `>` big, `=` native, `|` not
/// applicable), a kind and a size in bytes (in characters for `U`).
enum NPYDataType: Equatable {
    /// `|u1` (and `<u1`, `>u1`, `=u1`, `u1`): bytes, kept as bytes.
    case uint8
    /// `i1`, `i2`, `u2`, `i4`, `u4`, `i8`, `u8`.
    case integer(bytes: Int, signed: Bool, bigEndian: Bool)
    /// `f4`, `f8`.
    case float(bytes: Int, bigEndian: Bool)
    /// `U`n: n UTF-32 code units per element, trailing NULs not part of the string.
    case unicode(characters: Int, bigEndian: Bool)
    /// `S`n: n bytes per element, trailing NULs not part of the string, decoded as UTF-8.
    case bytes(count: Int)

    /// Bytes per element.
    var itemBytes: Int {
        switch self {
        case .uint8: return 1
        case .integer(let bytes, _, _), .float(let bytes, _): return bytes
        case .unicode(let characters, _): return 4 * characters
        case .bytes(let count): return count
        }
    }

    /// The type `descr` names.
    ///
    /// `path` and `key` name the archive and the entry in errors.
    /// - Throws: `.unsupportedDtype` for any other type: object arrays (`|O`, which need pickle), booleans,
    ///   half and complex floats, dates, void and structured types, a string type of length 0.
    init(_ descr: String, path: String, key: String) throws(NPZError) {
        var characters = Substring(descr)
        var order: Character = "="
        if let first = characters.first, "<>=|".contains(first) {
            order = first
            characters.removeFirst()
        }
        // The platforms Swift runs ptrain on are little-endian; `=` is native order.
        let bigEndian = order == ">" || (order == "=" && 1.bigEndian == 1)
        guard let kind = characters.first else {
            throw .unsupportedDtype(path: path, key: key, descr: descr, reason: nil)
        }
        let sizeText = characters.dropFirst()
        // At most 9 digits: a string length below 10^9 characters cannot overflow `4 × n`.
        let digitsOnly = sizeText.allSatisfy { $0 >= "0" && $0 <= "9" }
        guard !sizeText.isEmpty, sizeText.count <= 9, digitsOnly, let size = Int(sizeText), size > 0 else {
            let reason = kind == "O" ? "pickled object arrays are not supported" : nil
            throw .unsupportedDtype(path: path, key: key, descr: descr, reason: reason)
        }
        switch (kind, size) {
        case ("u", 1):
            self = .uint8
        case ("i", 1):
            self = .integer(bytes: 1, signed: true, bigEndian: false)
        case ("u", 2), ("u", 4), ("u", 8), ("i", 2), ("i", 4), ("i", 8):
            self = .integer(bytes: size, signed: kind == "i", bigEndian: bigEndian)
        case ("f", 4), ("f", 8):
            self = .float(bytes: size, bigEndian: bigEndian)
        case ("U", _):
            self = .unicode(characters: size, bigEndian: bigEndian)
        case ("S", _):
            self = .bytes(count: size)
        case ("O", _):
            throw .unsupportedDtype(
                path: path, key: key, descr: descr, reason: "pickled object arrays are not supported")
        default:
            throw .unsupportedDtype(path: path, key: key, descr: descr, reason: nil)
        }
    }
}
