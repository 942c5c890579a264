/// The data a training session uses, checked once for both kinds of network (`TrainingSession`,
/// `LayeredSession`): the training set as used (after `trainLimit`), split into the images trained on and the
/// validation images (`ValidationSplit`), and the test set (after `testLimit`).
struct SessionData {
    /// The training images as used, validation included (what the data fingerprint covers).
    let used: Dataset
    let train: Dataset
    let validation: Dataset?
    let test: Dataset

    /// - Throws: `SessionError.invalidData` when the split leaves nothing to train on, the sets disagree on the
    ///   inputs or classes, there are more classes than a network has outputs, or the batch is larger than the
    ///   training set.
    init(_ data: TrainTestSets, config: RunConfig) throws(SessionError) {
        used = data.train.prefix(config.trainLimit)
        test = data.test.prefix(config.testLimit)
        guard config.validation == 0 || config.validation < used.count else {
            throw .invalidData("validation \(config.validation) leaves no training images of \(used.count)")
        }
        (train, validation) = ValidationSplit.split(used, for: config)
        guard train.count >= 1 else { throw .invalidData("the training set is empty") }
        guard train.inputsPerSample == test.inputsPerSample else {
            throw .invalidData(
                "training samples have \(train.inputsPerSample) inputs, test samples \(test.inputsPerSample)")
        }
        guard train.classCount <= Network.maximumOutputs else {
            throw .invalidData(
                "\(train.classCount) classes: ptrain's networks have at most \(Network.maximumOutputs) outputs")
        }
        guard train.classCount == test.classCount else {
            throw .invalidData("the training set has \(train.classCount) classes, the test set \(test.classCount)")
        }
        if config.shift > 0 {
            let image = LayeredSession.inputShape(of: train)
            guard image.isImage && config.shift < min(image.rows, image.columns) else {
                throw .invalidData(
                    "shift \(config.shift) moves images, and needs samples of more than \(config.shift) rows and "
                        + "columns; the training samples of \(train.name) have shape \(train.shape)")
            }
        }
        guard config.batch <= train.count else {
            throw .invalidData("batch \(config.batch) is larger than the training set (\(train.count) images)")
        }
    }
}
