import Model
import Testing

/// The statistics of issue #13 on constructed inputs, against textbook values (and scipy 1.17's `stats.t`,
/// `stats.binomtest`, `stats.chi2` where a book gives fewer digits).
@Suite("Seed statistics: Student t, mean ± sd with a 95% interval, McNemar, the paired t-test")
struct SeedStatisticsTests {
    static func close(_ x: Double?, _ y: Double, relative: Double = 1e-12) -> Bool {
        guard let x else { return false }
        return abs(x - y) <= relative * max(abs(y), 1e-300)
    }

    @Test("t quantiles t(0.975, ν) and two-sided tails match the tables")
    func studentT() {
        let table: [(Int, Double)] = [
            (1, 12.706204736174694), (2, 4.302652729749462), (3, 3.1824463052837078), (4, 2.7764451051977934),
            (5, 2.5705818356363146), (9, 2.262157162798205), (29, 2.045229642132703), (1000, 1.9623390808264083),
        ]
        for (freedom, t) in table {
            #expect(
                Self.close(StudentT.quantile(0.975, degreesOfFreedom: freedom), t, relative: 1e-10), "ν = \(freedom)")
        }
        #expect(Self.close(StudentT.twoSidedTail(2, degreesOfFreedom: 4), 0.11611652351681556, relative: 1e-10))
        #expect(Self.close(StudentT.twoSidedTail(-3.5, degreesOfFreedom: 2), 0.07282735005446933, relative: 1e-10))
        #expect(Self.close(StudentT.twoSidedTail(0.5, degreesOfFreedom: 10), 0.627893605742973, relative: 1e-10))
        #expect(StudentT.twoSidedTail(0, degreesOfFreedom: 3) == 1)
        #expect(StudentT.twoSidedTail(.infinity, degreesOfFreedom: 3) == 0)
    }

    @Test("mean, sample sd (n − 1) and mean ± t·sd/√n; one value has neither sd nor interval")
    func seedSummary() {
        let summary = SeedSummary([0.97, 0.98, 0.99, 0.96, 0.975])
        #expect(summary.count == 5)
        #expect(summary.mean == (0.97 + 0.98 + 0.99 + 0.96 + 0.975) / 5)
        let mean = summary.mean
        let squares = [0.97, 0.98, 0.99, 0.96, 0.975].map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
        #expect(summary.standardDeviation == (squares / 4).squareRoot())
        #expect(Self.close(summary.standardDeviation, 0.011180339887498959, relative: 1e-12))
        let half = 2.7764451051977934 * 0.011180339887498959 / 5.0.squareRoot()
        #expect(Self.close(summary.interval?.lowerBound, 0.975 - half, relative: 1e-10))
        #expect(Self.close(summary.interval?.upperBound, 0.975 + half, relative: 1e-10))
        let one = SeedSummary([0.5])
        #expect(one.count == 1 && one.mean == 0.5 && one.standardDeviation == nil && one.interval == nil)
        let two = SeedSummary([1, 3])
        #expect(two.mean == 2 && two.standardDeviation == 2.0.squareRoot())
        #expect(Self.close(two.interval?.upperBound, 2 + 12.706204736174694, relative: 1e-10))
    }

    @Test("McNemar from constructed predictions: b, c, the exact binomial p and the corrected χ²")
    func mcNemar() {
        // 20 images of label 0...4; A right on 0..<15, B right on 3..<20: b = 3 (0, 1, 2), c = 5 (15..<20).
        let labels = (0..<20).map { $0 % 5 }
        let a = labels.indices.map { $0 < 15 ? labels[$0] : (labels[$0] + 1) % 5 }
        let b = labels.indices.map { $0 >= 3 ? labels[$0] : (labels[$0] + 2) % 5 }
        let test = McNemar(labels: labels, a: a, b: b)
        #expect(test == McNemar(b: 3, c: 5) && test.discordant == 8)
        // P(X ≤ 3), X ~ Bin(8, ½) = (1 + 8 + 28 + 56) / 256; two-sided twice that.
        #expect(Self.close(test.exactPValue, 2 * 93.0 / 256, relative: 1e-13))
        #expect(test.chiSquare == 1.0 / 8)

        // The textbook case b = 10, c = 2: 2 · (1 + 12 + 66) / 4096 = 0.0386; χ² = 49 / 12, p = 0.0433.
        let textbook = McNemar(b: 10, c: 2)
        #expect(Self.close(textbook.exactPValue, 2 * 79.0 / 4096, relative: 1e-13))
        #expect(MetricsTable.fixed(textbook.exactPValue, 4) == "0.0386")
        #expect(textbook.chiSquare == 49.0 / 12)
        #expect(Self.close(textbook.chiSquarePValue, 0.04330814281079206, relative: 1e-12))
        #expect(McNemar(b: 2, c: 10).exactPValue == textbook.exactPValue)

        // Large counts stay accurate in log space (scipy.stats.binomtest).
        #expect(Self.close(McNemar(b: 40, c: 60).exactPValue, 0.05688793364098089, relative: 1e-12))
        #expect(Self.close(McNemar(b: 4900, c: 5100).exactPValue, 0.04658552770494645, relative: 1e-10))
        #expect(Self.close(McNemar(b: 4500, c: 5500).exactPValue, 1.5510640568246638e-23, relative: 1e-10))
        #expect(Self.close(McNemar(b: 0, c: 20).exactPValue, 2.0 / 1_048_576, relative: 1e-13))
        #expect(Self.close(McNemar(b: 40, c: 60).chiSquarePValue, 0.05743311963200335, relative: 1e-12))
        // No discordant images, or as many each way: nothing to see.
        #expect(McNemar(b: 0, c: 0).exactPValue == 1 && McNemar(b: 0, c: 0).chiSquare == nil)
        #expect(McNemar(b: 3, c: 3).exactPValue == 1)
        #expect(McNemar.pooled([McNemar(b: 10, c: 2), McNemar(b: 3, c: 5)]) == McNemar(b: 13, c: 7))
    }

    @Test("the paired t-test over seeds: t = mean(d) / (sd(d)/√n), ν = n − 1")
    func pairedT() {
        // d = 0.01, 0.02, 0.03: mean 0.02, sd 0.01, t = 0.02 / (0.01 / √3) = 2√3.
        let test = PairedTTest(a: [0.91, 0.92, 0.93], b: [0.90, 0.90, 0.90])
        #expect(test.degreesOfFreedom == 2)
        #expect(Self.close(test.differences.mean, 0.02, relative: 1e-12))
        #expect(Self.close(test.t, 2 * 3.0.squareRoot(), relative: 1e-9))
        #expect(Self.close(test.pValue, 0.07417990022744858, relative: 1e-8))
        // Both differences are 0.09999999999999998: sd 0, no test.
        let equal = PairedTTest(a: [0.5, 0.6], b: [0.4, 0.5])
        #expect(equal.differences.standardDeviation == 0 && equal.t == nil && equal.pValue == nil)
    }
}
