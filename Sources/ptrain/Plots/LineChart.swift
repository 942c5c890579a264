import Foundation
import Model

/// A line chart with axes, ticks, grid, axis titles, a legend and optional error bars, rendered to SVG.
struct LineChart {
    struct Series {
        var label: String
        var points: [(x: Double, y: Double)]
        /// Half-lengths of vertical error bars, one per point (y − e … y + e; 0: none); nil: no bars.
        var errors: [Double]? = nil
    }

    var title: String
    var xTitle: String
    var yTitle: String
    var series: [Series]
    /// A line under the title saying what the points and bars are (`mean over 3 seeds, error bars ± 1 sd`).
    var caption: String? = nil
    /// Logarithmic x axis (hidden sizes from 100 to 4,500).
    var logarithmicX = false
    /// Fixed x tick values (e.g. the swept sizes); automatic when nil.
    var xTicks: [Double]? = nil
    var width = 760.0
    var height = 480.0

    static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
    ]

    func render() -> String {
        var svg = SVG(width: width, height: height)
        // The legend's swatch, gap and labels (13 px text, about 7 px a character: `layer 0 channels = 16, 3 seeds`
        // needs 210 px, more than the 150 that fit `H = 4500` and `selected, relaxed`).
        let longestLabel = series.map(\.label.count).max() ?? 0
        let legendWidth = series.count > 1 ? max(150.0, 40 + 7 * Double(longestLabel)) : 0
        let left = 78.0
        let right = 24.0 + legendWidth
        let top = caption == nil ? 48.0 : 62.0
        let bottom = 64.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let xs = series.flatMap { $0.points.map(\.x) }
        // The y range holds every bar's ends as well as the points.
        let ys = series.flatMap { item in
            item.points.indices.flatMap { index -> [Double] in
                let error = item.errors?[index] ?? 0
                return [item.points[index].y - error, item.points[index].y + error]
            }
        }
        guard let xMin = xs.min(), let xMax = xs.max(), let yMinData = ys.min(), let yMaxData = ys.max() else {
            svg.text("no data", x: width / 2, y: height / 2, size: 16, anchor: .middle)
            return svg.text
        }
        let yTicks = LineChart.niceTicks(min: yMinData, max: yMaxData, count: 6)
        let yMin = yTicks.first!
        let yMax = yTicks.last!
        let transform: (Double) -> Double = logarithmicX ? { log10($0) } : { $0 }
        let (tx0, tx1) = xMin == xMax ? (transform(xMin) - 1, transform(xMax) + 1) : (transform(xMin), transform(xMax))
        let pad = (tx1 - tx0) * 0.03
        func px(_ x: Double) -> Double { left + (transform(x) - (tx0 - pad)) / ((tx1 + pad) - (tx0 - pad)) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (y - yMin) / max(yMax - yMin, 1e-12)) * plotHeight }

        // Centred over the plot, but never running off the left edge (bold 17 px text: about 9.6 px a character,
        // 12 px: about 6.6).
        let titleX = max(left + plotWidth / 2, 8 + 4.8 * Double(title.count))
        svg.text(title, x: titleX, y: 28, size: 17, anchor: .middle, weight: "bold")
        if let caption {
            let captionX = max(left + plotWidth / 2, 8 + 3.3 * Double(caption.count))
            svg.text(caption, x: captionX, y: 48, size: 12, anchor: .middle, fill: "#555")
        }
        // Grid and y ticks.
        for tick in yTicks {
            svg.line(x1: left, y1: py(tick), x2: left + plotWidth, y2: py(tick), stroke: "#e3e3e3")
            svg.text(
                LineChart.label(tick, step: yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1), x: left - 8, y: py(tick) + 4,
                size: 12, anchor: .end)
        }
        let xTickValues = xTicks ?? LineChart.niceTicks(min: xMin, max: xMax, count: 8)
        // Automatic ticks are labelled with the decimals their step needs (epochs 1, 1.2, 1.4, … of a 2-epoch run).
        let xStep = xTicks == nil && xTickValues.count > 1 ? xTickValues[1] - xTickValues[0] : 1
        // A label that would run into the previous one (sizes 800 and 1000 on a log axis) is left out; its tick
        // and grid line stay. At 12 px a digit is about 7 px wide.
        var lastLabelEnd = -Double.infinity
        for tick in xTickValues where tick >= xMin && tick <= xMax {
            svg.line(x1: px(tick), y1: top, x2: px(tick), y2: top + plotHeight, stroke: "#f0f0f0")
            svg.line(x1: px(tick), y1: top + plotHeight, x2: px(tick), y2: top + plotHeight + 5, stroke: "#444")
            let label = LineChart.label(tick, step: xStep)
            let halfWidth = 3.5 * Double(label.count)
            guard px(tick) - halfWidth >= lastLabelEnd + 6 else { continue }
            lastLabelEnd = px(tick) + halfWidth
            svg.text(label, x: px(tick), y: top + plotHeight + 20, size: 12, anchor: .middle)
        }
        svg.rect(x: left, y: top, width: plotWidth, height: plotHeight, fill: "none", stroke: "#444")
        svg.text(xTitle, x: left + plotWidth / 2, y: height - 16, size: 14, anchor: .middle)
        svg.text(yTitle, x: 20, y: top + plotHeight / 2, size: 14, anchor: .middle, rotate: -90)
        // Lines and markers.
        for (index, item) in series.enumerated() {
            let color = LineChart.palette[index % LineChart.palette.count]
            let points = item.points.map { (px($0.x), py($0.y)) }
            if points.count > 1 { svg.polyline(points, stroke: color) }
            // Each series' bars are moved sideways by a few pixels, so that equal bars of two series both show.
            let dodge = 5 * (Double(index) - Double(series.count - 1) / 2)
            for (point, (value, error)) in zip(points, zip(item.points.map(\.y), item.errors ?? [])) where error > 0 {
                let (x, low, high) = (point.0 + dodge, py(value - error), py(value + error))
                svg.line(x1: x, y1: low, x2: x, y2: high, stroke: color, width: 1.5)
                for end in [low, high] { svg.line(x1: x - 4, y1: end, x2: x + 4, y2: end, stroke: color, width: 1.5) }
            }
            for point in points {
                svg.circle(x: point.0, y: point.1, radius: points.count > 40 ? 1.5 : 3.5, fill: color)
            }
        }
        // Legend.
        if series.count > 1 {
            let x = left + plotWidth + 18
            for (index, item) in series.enumerated() {
                let y = top + 14 + Double(index) * 22
                let color = LineChart.palette[index % LineChart.palette.count]
                svg.line(x1: x, y1: y - 4, x2: x + 22, y2: y - 4, stroke: color, width: 3)
                svg.text(item.label, x: x + 30, y: y, size: 13)
            }
        }
        return svg.text
    }

    /// About `count` round tick values covering min...max (steps of 1, 2 or 5 × 10^k).
    static func niceTicks(min: Double, max: Double, count: Int) -> [Double] {
        let span = max - min
        guard span > 0 else { return [min - 1, min, min + 1] }
        let raw = span / Double(Swift.max(count - 1, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let start = floor(min / step) * step
        let end = ceil(max / step) * step
        return stride(from: start, through: end + step / 2, by: step).map { ($0 / step).rounded() * step }
    }

    /// A tick label with as many decimals as the step needs to be exact (0.25 → 2, 0.5 → 1, 2 → 0).
    static func label(_ value: Double, step: Double) -> String {
        var decimals = 0
        var scaled = abs(step)
        while decimals < 6 && abs(scaled - scaled.rounded()) > 1e-9 * max(1, scaled) {
            decimals += 1
            scaled *= 10
        }
        return MetricsTable.fixed(value, decimals)
    }
}
