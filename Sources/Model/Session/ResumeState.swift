/// What a run continued from a checkpoint (or forked from one) goes on with, for both kinds of network: the
/// cursor, the finished epochs' records and the running weight average.
enum ResumeState {
    /// The checkpoint's cursor, checked against the training set: a checkpoint inside an epoch continues only
    /// over the same number of images (the epoch's order depends on it); at an epoch's end the next epoch takes
    /// this data's size.
    /// - Throws: `.invalidData` when the epoch cannot be continued or the metrics disagree with the cursor.
    static func cursor(of checkpoint: Checkpoint, trainCount: Int) throws(SessionError) -> TrainingCursor {
        var cursor = checkpoint.cursor
        if cursor.isMidEpoch {
            guard cursor.epochSamples == trainCount else {
                throw .invalidData(
                    "the checkpoint stopped inside an epoch of \(cursor.epochSamples) training images; this data "
                        + "gives \(trainCount), so the epoch cannot be continued")
            }
        } else {
            cursor.epochSamples = trainCount
        }
        guard checkpoint.records.count == cursor.completedEpochs else {
            throw .invalidData("the checkpoint's metrics and cursor disagree")
        }
        return cursor
    }

    /// The weight average the run goes on with and the records it keeps: the checkpoint's average when
    /// `averageFrom` and `averageEvery` are unchanged; a new empty one when a fork sets `averageFrom` to an epoch
    /// not yet finished (its records then drop the averaged accuracies they no longer keep); none when a fork
    /// turns averaging off.
    /// - Throws: `.invalidData` when a fork asks for an average over epochs the checkpoint did not keep.
    static func average(of checkpoint: Checkpoint, config: RunConfig) throws(SessionError) -> (
        WeightAveraging?, [EpochRecord]
    ) {
        var average: WeightAveraging?
        if config.averageFrom > 0 {
            if let kept = checkpoint.average, kept.firstEpoch == config.averageFrom,
                checkpoint.config.averageEvery == config.averageEvery
            {
                average = kept
            } else {
                let completed = checkpoint.cursor.completedEpochs
                guard config.averageFrom > completed else {
                    throw .invalidData(
                        "averageFrom \(config.averageFrom) needs the weights of epochs \(config.averageFrom)…"
                            + "\(completed), which the checkpoint (after epoch \(completed)) does not keep; average "
                            + "from epoch \(completed + 1) or later, or after the fact from its epoch checkpoints")
                }
                average = WeightAveraging(firstEpoch: config.averageFrom)
            }
        }
        var records = checkpoint.records
        if average?.firstEpoch != checkpoint.average?.firstEpoch
            || config.averageEvery != checkpoint.config.averageEvery
        {
            for index in records.indices {
                records[index].averagedTest = nil
                records[index].averagedValidation = nil
            }
        }
        return (average, records)
    }
}
