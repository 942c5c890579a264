/// `metrics.csv`: one line per epoch.
public enum MetricsTable {
    public static let header =
        "epoch,train_accuracy,test_accuracy_spike,test_accuracy_relaxed,seconds,samples_per_second"

    /// The whole file for `records`.
    public static func csv(_ records: [EpochRecord]) -> String {
        var text = header + "\n"
        for r in records {
            text +=
                "\(r.epoch),\(fixed(r.trainAccuracy, 6)),\(fixed(r.testSpikeAccuracy, 6)),\(fixed(r.testRelaxedAccuracy, 6)),"
            text += "\(fixed(r.seconds, 3)),\(fixed(r.samplesPerSecond, 1))\n"
        }
        return text
    }

    /// `value` with `digits` decimals, without Foundation's locale-dependent formatting.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return value.description }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let negative = value < 0
        let scaled = (abs(value) * scale).rounded()
        let integer = Int(scaled / scale)
        let fraction = Int(scaled - Double(integer) * scale)
        var fractionText = String(fraction)
        fractionText = String(repeating: "0", count: max(0, digits - fractionText.count)) + fractionText
        return (negative ? "-" : "") + String(integer) + (digits > 0 ? "." + fractionText : "")
    }
}
