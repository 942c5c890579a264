import Foundation

/// Student's t distribution with ν degrees of freedom: its two-sided tail probability and its quantiles, for the
/// confidence interval of a mean over seeds (`SeedSummary`) and the paired t-test (`PairedTTest`).
///
/// The tail is the regularized incomplete beta function, P(|T| ≥ t) = I_{ν/(ν + t²)}(ν/2, 1/2), evaluated by its
/// continued fraction (modified Lentz, as in Numerical Recipes' `betacf`); quantiles invert it by bisection. Both
/// agree with scipy's `stats.t` to about 1e-13 (StatisticsTests).
public enum StudentT {
    /// P(|T| ≥ |t|) for T ~ t(ν), ν = `freedom`: 1 at t = 0, falling to 0 as |t| grows.
    /// - Precondition: freedom ≥ 1.
    public static func twoSidedTail(_ t: Double, degreesOfFreedom freedom: Int) -> Double {
        precondition(freedom >= 1, "a t distribution needs at least one degree of freedom, not \(freedom)")
        guard t.isFinite else { return t.isNaN ? .nan : 0 }
        let n = Double(freedom)
        return regularizedBeta(x: n / (n + t * t), a: n / 2, b: 0.5)
    }

    /// The t with P(T ≤ t) = p, for p in (0.5, 1) (e.g. 0.975 for a 95% interval): t_{0.975} is 12.706 for ν = 1,
    /// 2.776 for ν = 4, 1.962 for ν = 1,000.
    /// - Precondition: freedom ≥ 1 and 0.5 < p < 1.
    public static func quantile(_ p: Double, degreesOfFreedom freedom: Int) -> Double {
        precondition(p > 0.5 && p < 1, "quantiles of p in (0.5, 1) only, not \(p)")
        let tail = 2 * (1 - p)
        var low = 0.0
        var high = 1.0
        while twoSidedTail(high, degreesOfFreedom: freedom) > tail { high *= 2 }
        // The tail falls monotonically in t: halve [low, high] until it cannot shrink in Double.
        for _ in 0..<200 {
            let middle = (low + high) / 2
            guard middle > low && middle < high else { break }
            if twoSidedTail(middle, degreesOfFreedom: freedom) > tail { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// I_x(a, b), by the continued fraction of whichever of I_x(a, b) and 1 − I_{1−x}(b, a) converges fast.
    static func regularizedBeta(x: Double, a: Double, b: Double) -> Double {
        guard x > 0 else { return 0 }
        guard x < 1 else { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x: x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * continuedFraction(x: 1 - x, a: b, b: a) / b
    }

    /// The continued fraction of I_x(a, b) (modified Lentz).
    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...10_000 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            result *= step
            if abs(step - 1) < 1e-16 { break }
        }
        return result
    }
}
