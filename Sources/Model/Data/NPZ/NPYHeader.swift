/// The header of a `.npy` array (numpy/lib/format.py, "Format Version 1.0" to "3.0"): after the magic
/// `\x93NUMPY`, two version bytes and a little-endian header length (`u16` in version 1.0, `u32` in 2.0 and
/// 3.0), a Python dictionary literal such as
///
///     {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 28, 28), }
///
/// padded with spaces and ended by a newline. The literal is parsed, not matched: keys in any order, single or
/// double quotes, any whitespace, trailing commas, `(5,)` and `()`, Python 2's `5L`. Exactly the three keys
/// must be present, as `numpy.load` requires.
struct NPYHeader: Equatable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// The longest header read, in bytes. NumPy's own reader refuses more than 10,000 unless told otherwise
    /// (`max_header_size`); a header is about 128 bytes for the arrays this reader decodes.
    static let maximumBytes = 65_536
    /// NumPy's limit on the number of dimensions (`NPY_MAXDIMS` since NumPy 2.0).
    static let maximumDimensions = 64

    /// `(60000, 28, 28)`, `(5,)`, `()`: a shape as Python prints a tuple.
    static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// Parses the dictionary literal `text` (the header's bytes after the length field).
    ///
    /// `path` and `key` name the archive and the entry in errors.
    init(_ text: ArraySlice<UInt8>, path: String, key: String) throws(NPZError) {
        var parser = DictionaryLiteral(bytes: Array(text))
        let fields: [String: DictionaryLiteral.Value]
        do throws(DictionaryLiteral.Failure) {
            fields = try parser.dictionary()
        } catch {
            throw .badHeader(path: path, key: key, reason: error.reason)
        }
        let expected: Set = ["descr", "fortran_order", "shape"]
        guard Set(fields.keys) == expected else {
            let found = fields.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
            throw .badHeader(
                path: path, key: key, reason: "the keys are {\(found)}, not 'descr', 'fortran_order' and 'shape'")
        }
        switch fields["descr"] {
        case .string(let text):
            descr = text
        case .list:
            throw .unsupportedDtype(
                path: path, key: key, descr: "[…]", reason: "structured arrays are not supported")
        default:
            throw .badHeader(path: path, key: key, reason: "'descr' is not a string")
        }
        guard case .boolean(let fortran) = fields["fortran_order"] else {
            throw .badHeader(path: path, key: key, reason: "'fortran_order' is not True or False")
        }
        fortranOrder = fortran
        guard case .tuple(let dimensions) = fields["shape"] else {
            throw .badHeader(path: path, key: key, reason: "'shape' is not a tuple of integers")
        }
        guard dimensions.count <= Self.maximumDimensions else {
            throw .badHeader(
                path: path, key: key,
                reason: "'shape' has \(dimensions.count) dimensions, more than NumPy's "
                    + "\(Self.maximumDimensions)")
        }
        shape = dimensions
    }
}

/// A parser of the Python literals a `.npy` header holds: one dictionary whose keys are strings and whose
/// values are strings, `True`/`False`, tuples of non-negative integers, or lists (skipped, with brackets and
/// quotes balanced: the `descr` of a structured array). Anything else is a failure naming its offset.
struct DictionaryLiteral {
    enum Value: Equatable {
        case string(String)
        case boolean(Bool)
        case tuple([Int])
        case list
    }

    struct Failure: Error {
        var reason: String
    }

    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The dictionary, which must be followed by nothing but whitespace.
    mutating func dictionary() throws(Failure) -> [String: Value] {
        try expect("{")
        var fields: [String: Value] = [:]
        while true {
            skipWhitespace()
            if take("}") { break }
            guard peek == UInt8(ascii: "'") || peek == UInt8(ascii: "\"") else {
                throw failure("expected a string key or '}'")
            }
            let key = try string()
            guard fields[key] == nil else { throw failure("the key '\(key)' appears twice") }
            try expect(":")
            fields[key] = try value()
            skipWhitespace()
            if take("}") { break }
            try expect(",")
        }
        skipWhitespace()
        guard offset == bytes.count else { throw failure("unexpected text after the dictionary") }
        return fields
    }

    private var peek: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private mutating func value() throws(Failure) -> Value {
        skipWhitespace()
        switch peek {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "("):
            return .tuple(try tuple())
        case UInt8(ascii: "["):
            try skipList()
            return .list
        default:
            if takeWord("True") { return .boolean(true) }
            if takeWord("False") { return .boolean(false) }
            throw failure("expected a string, True, False, a tuple or a list")
        }
    }

    /// A quoted string; a backslash takes the next byte as it is (the escapes NumPy's headers can hold are
    /// none, but a quote inside a field name of a structured type would be escaped).
    private mutating func string() throws(Failure) -> String {
        guard let quote = peek else { throw failure("expected a string") }
        offset += 1
        var text: [UInt8] = []
        while let byte = peek {
            offset += 1
            if byte == quote { return String(decoding: text, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                guard let escaped = peek else { break }
                offset += 1
                text.append(escaped)
            } else {
                text.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    /// `()`, `(5,)`, `(3, 4)`, `(3, 4,)`: non-negative decimal integers, each optionally suffixed `L`.
    private mutating func tuple() throws(Failure) -> [Int] {
        try expect("(")
        var items: [Int] = []
        while true {
            skipWhitespace()
            if take(")") { return items }
            items.append(try integer())
            skipWhitespace()
            if take(")") {
                // `(5)` is not a tuple in Python but the integer 5.
                guard items.count > 1 else { throw failure("'(\(items[0]))' is not a tuple (write '(\(items[0]),)')") }
                return items
            }
            try expect(",")
        }
    }

    private mutating func integer() throws(Failure) -> Int {
        let start = offset
        var value = 0
        while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw failure("a dimension is larger than \(Int.max)") }
            value = sum
            offset += 1
        }
        guard offset > start else {
            throw failure(peek == UInt8(ascii: "-") ? "a dimension is negative" : "expected a non-negative integer")
        }
        _ = take("L")
        return value
    }

    /// A list, brackets and quotes balanced, its contents ignored.
    private mutating func skipList() throws(Failure) {
        var depth = 0
        while let byte = peek {
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                _ = try string()
                continue
            case UInt8(ascii: "["), UInt8(ascii: "("):
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: ")"):
                depth -= 1
            default:
                break
            }
            offset += 1
            if depth == 0 { return }
        }
        throw failure("unterminated list")
    }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { offset += 1 }
    }

    private mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard peek == UInt8(ascii: character) else { return false }
        offset += 1
        return true
    }

    /// `word` when it is not followed by a letter, digit or underscore (`Trueish` is not `True`).
    private mutating func takeWord(_ word: String) -> Bool {
        let end = offset + word.utf8.count
        guard end <= bytes.count, bytes[offset..<end].elementsEqual(word.utf8) else { return false }
        if end < bytes.count {
            let next = bytes[end]
            let isWordCharacter =
                (next >= UInt8(ascii: "a") && next <= UInt8(ascii: "z"))
                || (next >= UInt8(ascii: "A") && next <= UInt8(ascii: "Z"))
                || (next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")) || next == UInt8(ascii: "_")
            if isWordCharacter { return false }
        }
        offset = end
        return true
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(Failure) {
        skipWhitespace()
        guard take(character) else { throw failure("expected '\(character)'") }
    }

    private func failure(_ what: String) -> Failure {
        let found = peek.map { byte in
            (0x20...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
        }
        return Failure(reason: "\(what) at offset \(offset) (found \(found ?? "the end"))")
    }
}
