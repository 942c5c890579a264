/// Plain-text layout for help and reports: word wrapping and column padding. Widths count `Character`s,
/// which is the terminal width for the text ptrain prints (no wide or combining characters).
public enum TextLayout {
    /// Help and reports fit in this many columns.
    public static let width = 100

    /// Greedy word wrap of `text` (its spaces and newlines are collapsed) into lines of at most `width`
    /// characters, the first indented by `firstIndent` and the rest by `indent`. A word longer than a line
    /// gets a line of its own.
    public static func wrap(_ text: String, width: Int = width, indent: Int = 0, firstIndent: Int? = nil) -> [String] {
        var lines: [String] = []
        var line = String(repeating: " ", count: firstIndent ?? indent)
        var lineHasWord = false
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            if lineHasWord, line.count + 1 + word.count > width {
                lines.append(line)
                line = String(repeating: " ", count: indent)
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        if lineHasWord { lines.append(line) }
        return lines
    }

    /// `text` right-aligned in `width` columns (unchanged when longer).
    public static func padLeft(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// `text` left-aligned in `width` columns (unchanged when longer).
    public static func padRight(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
