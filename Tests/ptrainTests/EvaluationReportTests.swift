import Model
import Testing
import ptrain

@Suite("evaluation report")
struct EvaluationReportTests {
    @Test func reportWithConfusionMatrix() {
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        for digit in 0..<10 { confusion[digit][digit] = 90 + digit }
        confusion[4][9] = 12345
        let expected = """
            checkpoint       runs/r/weights.bin
            test images      13290
            spike readout    97.85%  (argmax of output spike counts)
            relaxed readout  97.90%  (argmax of relaxed output potentials)

            confusion matrix of the spike readout (rows: true class, columns: predicted class)
                     0      1      2      3      4      5      6      7      8      9
              0     90      0      0      0      0      0      0      0      0      0
              1      0     91      0      0      0      0      0      0      0      0
              2      0      0     92      0      0      0      0      0      0      0
              3      0      0      0     93      0      0      0      0      0      0
              4      0      0      0      0     94      0      0      0      0  12345
              5      0      0      0      0      0     95      0      0      0      0
              6      0      0      0      0      0      0     96      0      0      0
              7      0      0      0      0      0      0      0     97      0      0
              8      0      0      0      0      0      0      0      0     98      0
              9      0      0      0      0      0      0      0      0      0     99

            """
        // `Evaluation` has no public initializer yet, so the report is built from its numbers.
        let report = EvaluationReport.render(
            checkpoint: "runs/r/weights.bin", count: 13290, spikeAccuracy: 0.97851, relaxedAccuracy: 0.979,
            confusion: confusion)
        #expect(report == expected)
    }

    @Test func cellsAreAtLeastFourDigitsWide() {
        #expect(
            EvaluationReport.confusionMatrix([[1, 0], [2, 3]]) == [
                "        0     1", "  0     1     0", "  1     2     3",
            ])
    }
}
