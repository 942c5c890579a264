import Model

/// What `ptrain eval` prints: both accuracies and the spike readout's confusion matrix.
public enum EvaluationReport {
    /// ```
    /// checkpoint       runs/mnist-800-h800-s1/weights.bin
    /// test images      10000
    /// spike readout    97.85%  (argmax of output spike counts)
    /// relaxed readout  97.90%  (argmax of relaxed output potentials)
    ///
    /// confusion matrix of the spike readout (rows: true digit, columns: predicted digit)
    ///          0     1 …
    ///     0  970     0 …
    /// ```
    ///
    /// With more than `ClassTable.matrixLimit` classes the matrix gives way to one line per class (recall and
    /// the class most often predicted instead); `classNames` label those lines.
    public static func render(_ evaluation: Evaluation, checkpoint: String, classNames: [String]? = nil) -> String {
        render(
            checkpoint: checkpoint, count: evaluation.count, spikeAccuracy: evaluation.spikeAccuracy,
            relaxedAccuracy: evaluation.relaxedAccuracy, confusion: evaluation.confusion, classNames: classNames)
    }

    /// The same from plain numbers.
    public static func render(
        checkpoint: String, count: Int, spikeAccuracy: Double, relaxedAccuracy: Double, confusion: [[Int]],
        classNames: [String]? = nil
    ) -> String {
        var lines = [
            "checkpoint       \(checkpoint)",
            "test images      \(count)",
            "spike readout    \(ProgressFormat.percent(spikeAccuracy, decimals: 2))%  (argmax of output spike counts)",
            "relaxed readout  \(ProgressFormat.percent(relaxedAccuracy, decimals: 2))%  (argmax of relaxed output potentials)",
            "",
        ]
        if confusion.count > ClassTable.matrixLimit || classNames != nil {
            lines.append("per class, spike readout (\(confusion.count) classes)")
            lines += ClassTable.lines(confusion, names: classNames)
        } else {
            lines.append("confusion matrix of the spike readout (rows: true class, columns: predicted class)")
            lines += confusionMatrix(confusion)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The matrix with a header row and column of class numbers, every cell right-aligned to the widest
    /// count (at least 4 digits) plus two spaces.
    public static func confusionMatrix(_ confusion: [[Int]]) -> [String] {
        let widest = confusion.joined().map { String($0).count }.max() ?? 1
        let cell = max(4, widest) + 2
        let classes = confusion.indices
        var lines = ["   " + classes.map { TextLayout.padLeft(String($0), cell) }.joined()]
        for (truth, row) in confusion.enumerated() {
            lines.append(
                TextLayout.padLeft(String(truth), 3) + row.map { TextLayout.padLeft(String($0), cell) }.joined())
        }
        return lines
    }
}
