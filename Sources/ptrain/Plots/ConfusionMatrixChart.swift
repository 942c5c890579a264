import Model

/// The confusion matrix as a heat map: rows are true digits, columns predicted digits, each cell's count
/// printed on it; the diagonal in blue, errors in red, shaded by their share of the row.
struct ConfusionMatrixChart {
    var title: String
    var matrix: [[Int]]

    func render() -> String {
        let classes = matrix.count
        let cell = 46.0
        let left = 70.0
        let top = 84.0
        var svg = SVG(width: left + cell * Double(classes) + 30, height: top + cell * Double(classes) + 24)
        svg.text(title, x: left + cell * Double(classes) / 2, y: 26, size: 16, anchor: .middle, weight: "bold")
        svg.text("predicted digit", x: left + cell * Double(classes) / 2, y: 54, size: 13, anchor: .middle)
        svg.text("true digit", x: 22, y: top + cell * Double(classes) / 2, size: 13, anchor: .middle, rotate: -90)
        for row in 0..<classes {
            let total = max(matrix[row].reduce(0, +), 1)
            svg.text(String(row), x: left - 10, y: top + cell * (Double(row) + 0.5) + 5, size: 13, anchor: .end)
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
                svg.rect(x: x, y: y, width: cell, height: cell, fill: fill, stroke: "#dddddd")
                let dark = row == column ? share > 0.4 : share > 0.06
                svg.text(
                    String(count), x: x + cell / 2, y: y + cell / 2 + 5, size: 12, anchor: .middle,
                    fill: dark ? "#ffffff" : "#222222")
            }
        }
        for column in 0..<classes {
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

    /// The matrix as aligned text, with per-class recall.
    static func text(_ matrix: [[Int]]) -> String {
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
