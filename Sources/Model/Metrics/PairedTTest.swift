/// The paired t-test of two configurations over matched seeds: d_i = accuracy of A − accuracy of B for seed i,
/// t = mean(d) / (sd(d) / √n) on n − 1 degrees of freedom, two-sided. Unlike a McNemar test pooled over seeds,
/// which treats the test images of every seed as new ones, it takes the seed-to-seed spread as the noise.
public struct PairedTTest: Sendable, Equatable {
    /// The differences' mean, sample standard deviation and 95% interval.
    public var differences: SeedSummary
    /// t; nil when every difference is the same (sd = 0), where the test says nothing.
    public var t: Double?
    /// The two-sided p-value; nil with `t`.
    public var pValue: Double?
    /// n − 1.
    public var degreesOfFreedom: Int { differences.count - 1 }

    /// The test of `a[i]` against `b[i]`, pair by pair.
    /// - Precondition: as many values in `a` as in `b`, at least two.
    public init(a: [Double], b: [Double]) {
        precondition(a.count == b.count && a.count >= 2, "a paired t-test needs two or more pairs")
        differences = SeedSummary(zip(a, b).map { $0 - $1 })
        guard let deviation = differences.standardDeviation, deviation > 0 else {
            t = nil
            pValue = nil
            return
        }
        let t = differences.mean / (deviation / Double(differences.count).squareRoot())
        self.t = t
        pValue = StudentT.twoSidedTail(t, degreesOfFreedom: differences.count - 1)
    }
}
