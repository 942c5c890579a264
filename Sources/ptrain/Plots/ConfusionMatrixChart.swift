import Model

/// The confusion matrix as a heat map: rows are true classes, columns predicted classes, each cell's count
/// printed on it while cells are large enough (up to 20 classes; beyond, cells shrink to fit about 900 px, at
/// least 2 px, and only every tenth class is numbered); the diagonal in blue, errors in red, shaded by their
/// share of the row.
struct ConfusionMatrixChart {
    var title: String
    var matrix: [[Int]]

    func render() -> String {
        let classes = matrix.count
        let cell = classes <= ClassTable.matrixLimit ? 46.0 : max(2, (900 / Double(classes)).rounded(.down))
        let labelled = classes <= ClassTable.matrixLimit
        func numbered(_ k: Int) -> Bool { labelled || k % 10 == 0 }
        let left = 70.0
        let top = 84.0
        var svg = SVG(width: left + cell * Double(classes) + 30, height: top + cell * Double(classes) + 24)
        svg.text(title, x: left + cell * Double(classes) / 2, y: 26, size: 16, anchor: .middle, weight: "bold")
        svg.text("predicted class", x: left + cell * Double(classes) / 2, y: 54, size: 13, anchor: .middle)
        svg.text("true class", x: 22, y: top + cell * Double(classes) / 2, size: 13, anchor: .middle, rotate: -90)
        for row in 0..<classes {
            let total = max(matrix[row].reduce(0, +), 1)
            if numbered(row) {
                svg.text(String(row), x: left - 10, y: top + cell * (Double(row) + 0.5) + 5, size: 13, anchor: .end)
            }
            for column in 0..<classes {
                let count = matrix[row][column]
                let share = Double(count) / Double(total)
                let fill: String
                if row == column {
                    fill = shade(red: 31, green: 119, blue: 180, strength: 0.25 + 0.75 * share)
                } else {
                    fill =
                        count == 0
                        ? "#ffffff" : shade(red: 214, green: 39, blue: 40, strength: min(1, 0.15 + 8 * share))
                }
                let x = left + cell * Double(column)
                let y = top + cell * Double(row)
                svg.rect(x: x, y: y, width: cell, height: cell, fill: fill, stroke: labelled ? "#dddddd" : "none")
                guard labelled else { continue }
                let dark = row == column ? share > 0.4 : share > 0.06
                svg.text(
                    String(count), x: x + cell / 2, y: y + cell / 2 + 5, size: 12, anchor: .middle,
                    fill: dark ? "#ffffff" : "#222222")
            }
        }
        for column in 0..<classes where numbered(column) {
            svg.text(String(column), x: left + cell * (Double(column) + 0.5), y: top - 8, size: 13, anchor: .middle)
        }
        return svg.text
    }

    /// The color blended with white: strength 0 is white, 1 the full color.
    private func shade(red: Int, green: Int, blue: Int, strength: Double) -> String {
        func mix(_ channel: Int) -> Int { Int((255 - Double(255 - channel) * strength).rounded()) }
        let hex = [mix(red), mix(green), mix(blue)].map { value -> String in
            let text = String(value, radix: 16)
            return text.count == 1 ? "0" + text : text
        }
        return "#" + hex.joined()
    }

    /// The matrix as aligned text, with per-class recall; with more than `ClassTable.matrixLimit` classes (or
    /// with names) `ClassTable`'s one line per class instead.
    static func text(_ matrix: [[Int]], names: [String]? = nil) -> String {
        if matrix.count > ClassTable.matrixLimit || names != nil {
            return ClassTable.lines(matrix, names: names).joined(separator: "\n") + "\n"
        }
        var lines = ["true \\ predicted" + (0..<matrix.count).map { String($0).leftPadded(6) }.joined() + "   recall"]
        for (row, counts) in matrix.enumerated() {
            let total = max(counts.reduce(0, +), 1)
            let recall = MetricsTable.fixed(100 * Double(counts[row]) / Double(total), 2) + "%"
            lines.append(
                String(row).leftPadded(16) + counts.map { String($0).leftPadded(6) }.joined() + recall.leftPadded(9))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
