/// Why a `metrics.csv` could not be trusted. Every message is one line naming the file and, where it applies,
/// the line (1-based, the header being line 1) and the column:
///
///     run/metrics.csv: line 3: test_accuracy_spike 1.5 is outside [0, 1]
public enum MetricsError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read, or is not UTF-8 text.
    case unreadable(path: String, reason: String)
    /// Zero bytes.
    case empty(path: String)
    /// Line 1 is not `MetricsTable.header`, optionally followed by the optional column groups.
    case badHeader(path: String, found: String)
    /// A header and no epoch.
    case noEpochs(path: String)
    /// An empty line before the end of the file.
    case blankLine(path: String, line: Int)
    /// A line without exactly one field per header column (or a group with one of its two fields empty).
    case columnCount(path: String, line: Int, found: Int, expected: Int)
    /// A field that does not parse as a number.
    case notANumber(path: String, line: Int, column: String, text: String)
    /// NaN or ±∞.
    case notFinite(path: String, line: Int, column: String, text: String)
    /// An accuracy outside [0, 1], or a negative duration or rate.
    case outOfRange(path: String, line: Int, column: String, text: String, allowed: String)
    /// An epoch that is not a whole number of at least 1.
    case badEpoch(path: String, line: Int, text: String)
    /// An epoch not greater than the one on the line before.
    case epochNotIncreasing(path: String, line: Int, epoch: Int, previous: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read metrics: \(reason)"
        case .empty(let path): return "\(path): empty file, expected the header line '\(MetricsTable.header)'"
        case .badHeader(let path, let found):
            return "\(path): line 1: expected the header '\(MetricsTable.header)', found '\(shortened(found))'"
        case .noEpochs(let path): return "\(path): no epoch after the header (the run has not finished one)"
        case .blankLine(let path, let line): return "\(path): line \(line): empty line"
        case .columnCount(let path, let line, let found, let expected):
            return "\(path): line \(line): \(found) columns, expected \(expected)"
        case .notANumber(let path, let line, let column, let text):
            return "\(path): line \(line): \(column) '\(shortened(text))' is not a number"
        case .notFinite(let path, let line, let column, let text):
            return "\(path): line \(line): \(column) '\(text)' is not finite"
        case .outOfRange(let path, let line, let column, let text, let allowed):
            return "\(path): line \(line): \(column) \(text) is outside \(allowed)"
        case .badEpoch(let path, let line, let text):
            return "\(path): line \(line): epoch '\(shortened(text))' is not a whole number of at least 1"
        case .epochNotIncreasing(let path, let line, let epoch, let previous):
            return "\(path): line \(line): epoch \(epoch) does not follow epoch \(previous) (epochs must increase)"
        }
    }
}

/// `text` cut to 40 characters, with control characters shown as `?`, so that a binary file still gives a
/// one-line message of sensible length.
private func shortened(_ text: String) -> String {
    let printable = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : Character($0) })
    return printable.count <= 40 ? printable : String(printable.prefix(40)) + "…"
}
