import Model

/// Per-class figures of a confusion matrix, for data sets with too many classes to print the matrix: each
/// class's name, test count, recall and the class it is most often mistaken for.
enum ClassTable {
    /// Above this many classes, reports print `lines(_:names:)` instead of the whole matrix (a 20 × 20 matrix
    /// is 140 columns of text; 1,000 classes would be a million cells).
    static let matrixLimit = 20

    /// A header, then one line per class: its number, name (when given), test images, recall, and the class
    /// it is most often predicted as instead, with that count.
    ///
    ///     class  name     images   recall  most often predicted instead
    ///         0  apple        50   96.00%  3 pear (2)
    static func lines(_ confusion: [[Int]], names: [String]?) -> [String] {
        let nameWidth = max(4, names?.map(\.count).max() ?? 0)
        func name(_ k: Int) -> String { names.map { $0[k] } ?? "" }
        var lines = [
            TextLayout.padLeft("class", 6) + "  " + TextLayout.padRight("name", nameWidth)
                + TextLayout.padLeft("images", 8) + TextLayout.padLeft("recall", 9) + "  most often predicted instead"
        ]
        for (truth, row) in confusion.enumerated() {
            let total = row.reduce(0, +)
            let recall = total == 0 ? "-" : MetricsTable.fixed(100 * Double(row[truth]) / Double(total), 2) + "%"
            var confused = ""
            if let worst = row.indices.filter({ $0 != truth && row[$0] > 0 }).max(by: { row[$0] < row[$1] }) {
                confused = "\(worst)\(names == nil ? "" : " " + name(worst)) (\(row[worst]))"
            }
            lines.append(
                TextLayout.padLeft(String(truth), 6) + "  "
                    + TextLayout.padRight(name(truth), nameWidth)
                    + TextLayout.padLeft(String(total), 8) + TextLayout.padLeft(recall, 9) + "  " + confused)
        }
        return lines.map { $0.trailingSpacesRemoved }
    }
}

extension String {
    /// The string without trailing spaces.
    fileprivate var trailingSpacesRemoved: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
