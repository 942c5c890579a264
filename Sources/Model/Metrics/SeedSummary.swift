/// One quantity over several seeds (a run per seed): the count, the mean, the sample standard deviation (n − 1)
/// and a confidence interval for the mean, mean ± t_{(1+level)/2, n−1} · sd / √n (Student t with n − 1 degrees of
/// freedom). One seed gives a mean and nothing else: no spread, no interval.
///
/// The mean adds the values in the order given and divides by n; the deviation is the two-pass
/// √(Σ (x − mean)² / (n − 1)). So the same rows, read back from results.csv in the same order, give the same bits.
public struct SeedSummary: Sendable, Equatable {
    /// Seeds (values) summarized.
    public var count: Int
    public var mean: Double
    /// The sample standard deviation; nil for one value.
    public var standardDeviation: Double?
    /// The confidence interval for the mean at `level`; nil for one value.
    public var interval: ClosedRange<Double>?
    /// The interval's confidence, 0.95 unless asked otherwise.
    public var level: Double

    /// The summary of `values`.
    /// - Precondition: at least one value; 0 < level < 1.
    public init(_ values: [Double], level: Double = 0.95) {
        precondition(!values.isEmpty, "a summary of no values")
        precondition(level > 0 && level < 1, "a confidence level in (0, 1), not \(level)")
        count = values.count
        self.level = level
        mean = values.reduce(0, +) / Double(values.count)
        guard values.count >= 2 else {
            standardDeviation = nil
            interval = nil
            return
        }
        let mean = self.mean
        let squares = values.reduce(0) { $0 + (($1 - mean) * ($1 - mean)) }
        let deviation = (squares / Double(values.count - 1)).squareRoot()
        standardDeviation = deviation
        let half =
            StudentT.quantile((1 + level) / 2, degreesOfFreedom: values.count - 1) * deviation
            / Double(values.count).squareRoot()
        interval = (mean - half)...(mean + half)
    }
}
