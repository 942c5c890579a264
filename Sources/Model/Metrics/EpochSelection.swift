/// The one rule that picks "the best epoch" of a run, for `best.ckpt`, the BEST section, `--patience`, the
/// summary line and sweep results (issue #13): the first epoch with the highest **validation** spike accuracy
/// when the run has a validation split, otherwise the first epoch with the highest test spike accuracy — a
/// test-selected maximum, which every caller labels as such. What is reported for the chosen epoch is its
/// test accuracy.
public struct EpochSelection: Sendable, Equatable {
    /// What the epoch was chosen on.
    public enum Rule: Sendable, Equatable {
        /// The held-out validation images: the test accuracy at the epoch is an honest estimate.
        case validation
        /// The test set itself: the maximum is optimistically biased.
        case test

        /// How summaries name the rule: `validation-selected` / `test-selected`.
        public var label: String { self == .validation ? "validation-selected" : "test-selected" }
    }

    /// The chosen epoch's record.
    public var record: EpochRecord
    public var rule: Rule

    /// The choice among `records`; nil when there are none. Records with a validation accuracy are chosen by
    /// it (a run records one in every epoch or in none); ties go to the earlier epoch.
    public static func best(of records: [EpochRecord]) -> EpochSelection? {
        let byValidation = records.contains { $0.validation != nil }
        func score(_ record: EpochRecord) -> Double {
            byValidation ? (record.validation?.spike ?? -1) : record.testSpikeAccuracy
        }
        var best: EpochRecord?
        for record in records where best == nil || score(record) > score(best!) { best = record }
        return best.map { EpochSelection(record: $0, rule: byValidation ? .validation : .test) }
    }

    /// Epochs finished after the chosen one (what `--patience` counts); 0 when there are no records.
    public static func epochsSinceBest(_ records: [EpochRecord]) -> Int {
        guard let best = best(of: records), let last = records.last else { return 0 }
        return last.epoch - best.record.epoch
    }
}
