extension Dataset {
    /// This data set as `network` classifies it: the same number of inputs, every label below the network's
    /// outputs, and K declared as the network's output count (a test set read alone knows only its largest
    /// label; its class names are kept when they are K). What `eval`, `predict`, `report`, `compare` and
    /// `export` do before they evaluate.
    /// - Throws: `CheckpointError.shapeMismatch` naming `modelPath`, the file the network came from.
    public func fitted(to network: Network, modelPath: String) throws(CheckpointError) -> Dataset {
        try fitted(inputs: network.inputs, outputs: network.outputs, modelPath: modelPath)
    }

    /// The same for a network of `inputs` inputs and `outputs` classes (a layered one, issue #15).
    public func fitted(inputs: Int, outputs: Int, modelPath: String) throws(CheckpointError) -> Dataset {
        let network = (inputs: inputs, outputs: outputs)
        guard inputsPerSample == network.inputs else {
            throw .shapeMismatch(
                path: modelPath,
                reason: "the network has \(network.inputs) inputs, the samples of \(name) \(inputsPerSample) values")
        }
        if let index = labels.firstIndex(where: { Int($0) >= network.outputs }) {
            throw .shapeMismatch(
                path: modelPath,
                reason: "the network has \(network.outputs) outputs, \(name) has label \(labels[index]) at index "
                    + "\(index)")
        }
        let names = classNames?.count == network.outputs ? classNames : nil
        return declaring(classCount: network.outputs, classNames: names)
    }
}
