import Foundation
import Model

/// The text of training progress, as pure functions of numbers (tested with exact strings). The observers
/// decide when to print; these decide what.
public enum ProgressFormat {
    /// Width of the bar between the brackets.
    public static let barWidth = 20

    /// `[#########-----------]`: `done` of `total` filled, rounded down (full only when done).
    public static func bar(done: Int, total: Int, width: Int = barWidth) -> String {
        let filled = total > 0 ? min(width, max(0, done * width / total)) : 0
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
    }

    /// `0:27`, `12:05`, `1:02:03`; `-:--` when unknown (negative, infinite, NaN).
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-:--" }
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0
            ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }

    /// `fraction` as a percentage with `decimals` digits: `93.4`.
    public static func percent(_ fraction: Double, decimals: Int) -> String {
        String(format: "%.\(decimals)f", fraction * 100)
    }

    /// The live line of a terminal, redrawn during an epoch:
    /// `epoch 3/20 [#########-----------]  45% 27000/60000  1234 samples/s  ETA 0:27  train 93.4%`.
    /// The sample count is padded to the width of the total so the line does not jitter.
    public static func liveLine(
        epoch: Int, epochs: Int, samplesDone: Int, samplesTotal: Int, correct: Int, elapsedSeconds: Double
    ) -> String {
        let rate = elapsedSeconds > 0 ? Double(samplesDone) / elapsedSeconds : 0
        let eta = rate > 0 ? Double(samplesTotal - samplesDone) / rate : .infinity
        let percentDone = samplesTotal > 0 ? samplesDone * 100 / samplesTotal : 0
        let train = samplesDone > 0 ? Double(correct) / Double(samplesDone) : 0
        let count = TextLayout.padLeft(String(samplesDone), String(samplesTotal).count) + "/\(samplesTotal)"
        return "epoch \(epoch)/\(epochs) \(bar(done: samplesDone, total: samplesTotal)) "
            + TextLayout.padLeft("\(percentDone)%", 4) + " \(count)  \(Int(rate.rounded())) samples/s"
            + "  ETA \(duration(eta))  train \(percent(train, decimals: 1))%"
    }

    /// The live line while the test set is evaluated after an epoch's training.
    public static func evaluatingLine(epoch: Int, epochs: Int, testSamples: Int) -> String {
        "epoch \(epoch)/\(epochs) \(bar(done: 1, total: 1)) evaluating \(testSamples) test images..."
    }

    /// The line printed when a run starts (terminal or not).
    /// `ranks` > 1 for a distributed run: `2 ranks × 1 thread`.
    public static func runStartLine(
        config: RunConfig, threads: Int, runDirectory: String, trainSamples: Int, testSamples: Int, ranks: Int = 1
    ) -> String {
        let leak = (config.tauM.map { "tau-m \($0)" } ?? "no leak") + (config.reset == .zero ? ", reset to zero" : "")
        let workers =
            (ranks > 1 ? "\(ranks) ranks × " : "") + "\(threads) \(threads == 1 ? "thread" : "threads")"
        let network = config.layers.isEmpty ? "hidden \(config.hidden)" : "layers \(Self.layerSummary(config.layers))"
        return "run \(config.name): \(network), batch \(config.batch), \(config.epochs) epochs, "
            + "T \(config.timeSteps), \(leak), rule \(config.rule.rawValue), nudge \(config.nudge.rawValue), "
            + "seed \(config.seed)" + (config.shift > 0 ? ", training images moved up to \(config.shift) px" : "")
            + "; \(trainSamples) train / \(testSamples) test images; "
            + "\(workers); writing \(runDirectory)"
    }

    /// A layer list in one short phrase: `conv 16c5s2 → fc 1000` (channels, kernel, stride, padding when not 0).
    public static func layerSummary(_ layers: [LayerSpecification]) -> String {
        layers.map { layer -> String in
            switch layer {
            case .fullyConnected(let units): return "fc \(units)"
            case .locallyConnected(let channels, let kernel, let stride, let padding),
                .convolution(let channels, let kernel, let stride, let padding):
                return "\(layer.typeName) \(channels)c\(kernel)s\(stride)" + (padding > 0 ? "p\(padding)" : "")
            }
        }
        .joined(separator: " → ")
    }

    /// The line printed after the start line when a run continues from a checkpoint:
    /// `resuming at epoch 2/3, batch 150/300 (1500/3000 samples, train 85.20% so far)` or
    /// `resuming at the start of epoch 3/5`.
    /// Where a checkpoint was written: `after batch 150 of 300 in epoch 2`, or `after epoch 2`.
    public static func checkpointPosition(_ cursor: TrainingCursor, batch: Int) -> String {
        guard cursor.isMidEpoch else { return "after epoch \(cursor.completedEpochs)" }
        let batches = TrainingCursor.batchesPerEpoch(samples: cursor.epochSamples, batch: batch)
        return "after batch \(cursor.batchesDone) of \(batches) in epoch \(cursor.epoch)"
    }

    /// What a second Ctrl-C prints: the checkpoint that stands, at `path` written at `cursor`; nil `path`
    /// and `cursor` when none has been written yet, nil `path` alone when the run resumed from a checkpoint and
    /// has written none since.
    ///
    ///     Interrupted again: exiting at once. The checkpoint that stands is runs/x/latest.ckpt, written after
    ///     batch 150 of 300 in epoch 2.
    public static func standingCheckpointLine(path: String?, cursor: TrainingCursor?, batch: Int) -> String {
        let start = "Interrupted again: exiting at once. "
        guard let cursor else { return start + "No checkpoint written yet.\n" }
        let position = checkpointPosition(cursor, batch: batch)
        guard let path else {
            return start + "No checkpoint written since resuming: the one resumed from stands (\(position)).\n"
        }
        return start + "The checkpoint that stands is \(path), written \(position).\n"
    }

    public static func resumeLine(_ cursor: TrainingCursor, epochs: Int, batch: Int) -> String {
        guard cursor.isMidEpoch else { return "resuming at the start of epoch \(cursor.epoch)/\(epochs)" }
        let batches = TrainingCursor.batchesPerEpoch(samples: cursor.epochSamples, batch: batch)
        let train = percent(Double(cursor.correct) / Double(cursor.samplesDone), decimals: 2)
        return "resuming at epoch \(cursor.epoch)/\(epochs), batch \(cursor.batchesDone)/\(batches) "
            + "(\(cursor.samplesDone)/\(cursor.epochSamples) samples, train \(train)% so far)"
    }

    /// The line printed after each epoch (terminal or not):
    /// `epoch 3/20  train 93.41%  test spike 94.02%  relaxed 94.10%  48.6 s  1234 samples/s`.
    public static func epochLine(_ record: EpochRecord, epochs: Int) -> String {
        "epoch \(record.epoch)/\(epochs)  train \(percent(record.trainAccuracy, decimals: 2))%"
            + (record.validation.map { "  validation spike \(percent($0.spike, decimals: 2))%" } ?? "")
            + "  test spike \(percent(record.testSpikeAccuracy, decimals: 2))%"
            + "  relaxed \(percent(record.testRelaxedAccuracy, decimals: 2))%"
            + (record.averagedTest.map { "  averaged test spike \(percent($0.spike, decimals: 2))%" } ?? "")
            + "  \(String(format: "%.1f", record.seconds)) s  \(Int(record.samplesPerSecond.rounded())) samples/s"
    }

    /// The table printed when a run ends: one row per epoch, right-aligned under the headings, the epoch
    /// `EpochSelection` chooses (by validation spike accuracy with a split, else by test spike accuracy; the
    /// first on a tie) marked `*` and named in a last line that says how it was selected. Empty when there are
    /// no records. `averagedFile` names the file of the averaged weights (`averaged.bin`, a layered run's
    /// `averaged-model.bin`).
    public static func summaryTable(_ records: [EpochRecord], averagedFile: String = "averaged.bin") -> [String] {
        guard let selection = EpochSelection.best(of: records) else { return [] }
        let best = records.firstIndex { $0.epoch == selection.record.epoch }!
        let withValidation = selection.rule == .validation
        let withAverage = records.contains { $0.averagedTest != nil }
        let headings =
            ["epoch", "train %"] + (withValidation ? ["validation spike %"] : [])
            + ["test spike %", "test relaxed %"] + (withAverage ? ["averaged test spike %"] : [])
            + ["seconds", "samples/s"]
        let rows = records.map { record -> [String] in
            var cells = [String(record.epoch), percent(record.trainAccuracy, decimals: 2)]
            if withValidation { cells.append(record.validation.map { percent($0.spike, decimals: 2) } ?? "") }
            cells += [percent(record.testSpikeAccuracy, decimals: 2), percent(record.testRelaxedAccuracy, decimals: 2)]
            if withAverage { cells.append(record.averagedTest.map { percent($0.spike, decimals: 2) } ?? "") }
            cells += [String(format: "%.1f", record.seconds), String(Int(record.samplesPerSecond.rounded()))]
            return cells
        }
        let widths = headings.indices.map { column in
            rows.reduce(headings[column].count) { max($0, $1[column].count) }
        }
        func line(_ cells: [String], mark: String) -> String {
            let aligned = cells.indices.map { TextLayout.padLeft(cells[$0], widths[$0]) }
            return aligned.joined(separator: "  ") + mark
        }
        var lines = [line(headings, mark: "")]
        for (index, row) in rows.enumerated() {
            lines.append(line(row, mark: index == best ? "  *" : ""))
        }
        let record = records[best]
        if let validation = record.validation, withValidation {
            lines.append(
                "* test spike accuracy \(percent(record.testSpikeAccuracy, decimals: 2))% at epoch \(record.epoch), "
                    + "selected on validation (validation spike \(percent(validation.spike, decimals: 2))%)")
        } else {
            lines.append(
                "* best test spike accuracy \(percent(record.testSpikeAccuracy, decimals: 2))% (epoch \(record.epoch)), "
                    + "test-selected: no validation split, an optimistic maximum")
        }
        if let last = records.last, let averaged = last.averagedTest,
            let first = records.first(where: { $0.averagedTest != nil })
        {
            lines.append(
                "averaged weights of epochs \(first.epoch)–\(last.epoch) (\(averagedFile), fixed by averageFrom, not "
                    + "selected): test spike \(percent(averaged.spike, decimals: 2))%, relaxed "
                    + "\(percent(averaged.relaxed, decimals: 2))%")
        }
        return lines
    }

    /// A byte count for download progress: `512 B`, `28.9 kB`, `9.9 MB` (decimal units).
    public static func bytes(_ count: Int64) -> String {
        switch count {
        case ..<1000: return "\(count) B"
        case ..<1_000_000: return String(format: "%.1f kB", Double(count) / 1e3)
        default: return String(format: "%.1f MB", Double(count) / 1e6)
        }
    }

    /// One download's progress: `train-images-idx3-ubyte.gz  4.2 MB / 9.9 MB  42%`, or without a known
    /// total `train-images-idx3-ubyte.gz  4.2 MB`.
    public static func downloadLine(file: String, bytesDone: Int64, bytesTotal: Int64?) -> String {
        guard let bytesTotal, bytesTotal > 0 else { return "\(file)  \(bytes(bytesDone))" }
        let percentDone = min(100, bytesDone * 100 / bytesTotal)
        return "\(file)  \(bytes(bytesDone)) / \(bytes(bytesTotal))  \(percentDone)%"
    }
}
