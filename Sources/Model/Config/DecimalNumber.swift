/// What a number is in a configuration file or on the command line: decimal digits, nothing else.
///
/// Swift's `Int(_:)`, `UInt64(_:)` and `Float(_:)` accept more than that (`+5`, `0x1p-3`, `nan`, `inf`,
/// `infinity`), and `Float("1e999")` is infinity rather than an error. A value outside the form below is
/// refused, so a typo is never read as some other number.
///
///     integer: -?[0-9]+                                  (no sign at all where negatives are meaningless)
///     real:    -?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?
public enum DecimalNumber {
    /// `text` as an integer in the form above, or nil (also when it does not fit in an `Int`).
    public static func integer(_ text: String) -> Int? {
        guard isInteger(text, allowMinus: true) else { return nil }
        return Int(text)
    }

    /// `text` as a non-negative integer in the form above (no sign), or nil (also when it does not fit).
    public static func unsignedInteger(_ text: String) -> UInt64? {
        guard isInteger(text, allowMinus: false) else { return nil }
        return UInt64(text)
    }

    /// `text` as a `Float` when it is a real number in the form above whose value `Float` can hold: nil for
    /// any other text, for a value that overflows to infinity (`1e39`) and for a non-zero value that underflows
    /// to zero (`1e-50`).
    public static func float(_ text: String) -> Float? {
        guard isReal(text), let value = Float(text), value.isFinite else { return nil }
        if value == 0 {
            // Zero only when every digit of the significand is: `0.0e5` is zero, `1e-50` is an underflow.
            let significand = text.prefix { $0 != "e" && $0 != "E" }
            guard significand.allSatisfy({ $0 == "0" || $0 == "." || $0 == "-" }) else { return nil }
        }
        return value
    }

    static func isInteger(_ text: String, allowMinus: Bool) -> Bool {
        var digits = Substring(text)
        if allowMinus, digits.first == "-" { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy(isDigit)
    }

    static func isReal(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "-" { rest = rest.dropFirst() }
        let integerDigits = rest.prefix(while: isDigit)
        rest = rest.dropFirst(integerDigits.count)
        var fractionDigits: Substring = ""
        if rest.first == "." {
            rest = rest.dropFirst()
            fractionDigits = rest.prefix(while: isDigit)
            rest = rest.dropFirst(fractionDigits.count)
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else { return false }
        if let marker = rest.first, marker == "e" || marker == "E" {
            rest = rest.dropFirst()
            if let sign = rest.first, sign == "-" || sign == "+" { rest = rest.dropFirst() }
            let exponentDigits = rest.prefix(while: isDigit)
            guard !exponentDigits.isEmpty else { return false }
            rest = rest.dropFirst(exponentDigits.count)
        }
        return rest.isEmpty
    }

    private static func isDigit(_ character: Character) -> Bool {
        character >= "0" && character <= "9" && character.isASCII
    }
}
