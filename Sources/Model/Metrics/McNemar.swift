import Foundation

/// McNemar's test of two classifiers on the same test images: only the discordant images count, b where A is
/// right and B wrong, c where A is wrong and B right. Under the null hypothesis (equal accuracy) each discordant
/// image goes either way with probability ½, so b ~ Binomial(b + c, ½).
///
/// Two p-values: the exact two-sided binomial one, min(1, 2 · P(X ≤ min(b, c))), summed in log space so that it
/// stays accurate (and never overflows) for b + c in the tens of thousands; and the χ² approximation with
/// Edwards' continuity correction, (|b − c| − 1)² / (b + c) on one degree of freedom, as R's
/// `mcnemar.test(correct = TRUE)` computes it. b = 10, c = 2 (the textbook case) gives exact p = 0.0386 and
/// χ² = 4.083, p = 0.0433.
public struct McNemar: Sendable, Equatable {
    /// Images A classifies right and B wrong.
    public var b: Int
    /// Images A classifies wrong and B right.
    public var c: Int

    /// - Precondition: b, c ≥ 0.
    public init(b: Int, c: Int) {
        precondition(b >= 0 && c >= 0, "discordant counts are not negative: b = \(b), c = \(c)")
        self.b = b
        self.c = c
    }

    /// The discordant counts of predictions `a` and `b` of the images labelled `labels`.
    /// - Precondition: the three arrays have one entry per image.
    public init(labels: [Int], a: [Int], b: [Int]) {
        precondition(a.count == labels.count && b.count == labels.count, "one prediction per image")
        var aOnly = 0
        var bOnly = 0
        for index in labels.indices {
            let aRight = a[index] == labels[index]
            let bRight = b[index] == labels[index]
            if aRight && !bRight { aOnly += 1 }
            if bRight && !aRight { bOnly += 1 }
        }
        self.init(b: aOnly, c: bOnly)
    }

    /// Images on which the two disagree in correctness.
    public var discordant: Int { b + c }

    /// The exact two-sided p-value: 1 without discordant images.
    public var exactPValue: Double {
        let n = discordant
        let m = min(b, c)
        guard n > 0, 2 * m < n else { return 1 }
        // log C(n, k) / 2ⁿ by the recurrence C(n, k) = C(n, k − 1) · (n − k + 1) / k; the terms grow up to k = n / 2,
        // so the last one, k = m, is the largest and the sum is taken relative to it.
        var logTerms = [-Double(n) * log(2.0)]
        logTerms.reserveCapacity(m + 1)
        for k in stride(from: 1, through: m, by: 1) {
            logTerms.append(logTerms[k - 1] + log(Double(n - k + 1)) - log(Double(k)))
        }
        let largest = logTerms[m]
        let relative = logTerms.reduce(0) { $0 + exp($1 - largest) }
        return min(1, exp(log(2.0) + largest + log(relative)))
    }

    /// (|b − c| − 1)² / (b + c); nil without discordant images.
    public var chiSquare: Double? {
        guard discordant > 0 else { return nil }
        let difference = Double(abs(b - c)) - 1
        return difference * difference / Double(discordant)
    }

    /// P(χ²₁ ≥ chiSquare) = erfc(√(χ² / 2)); nil without discordant images.
    public var chiSquarePValue: Double? {
        chiSquare.map { erfc(($0 / 2).squareRoot()) }
    }

    /// The counts of several comparisons added (e.g. the seeds of two sweeps).
    public static func pooled(_ tests: [McNemar]) -> McNemar {
        McNemar(b: tests.map(\.b).reduce(0, +), c: tests.map(\.c).reduce(0, +))
    }
}
