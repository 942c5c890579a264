import Foundation
import Model

/// `ptrain inspect`: what a checkpoint holds, without loading its weights into a network; or what a weights
/// file (`weights.bin`) is.
struct InspectCommand: Command {
    static let spec = CommandSpec(
        name: "inspect",
        abstract: "Show what a checkpoint or weights file holds",
        discussion: """
            Prints a checkpoint's header (format version, network shape, configuration hash), its sections, the \
            training cursor (where a resumed run continues), the best test accuracy, the configuration and the \
            metrics of every finished epoch. Every section's CRC32 is verified, the weights' included, but the \
            weights are not decoded: inspecting is quick at any network size. A corrupt file is an error (exit \
            status 1) naming the damaged section; it is never modified. Given a weights file (weights.bin), prints \
            its format, shape and configuration, its CRC32 verified.
            """,
        synopsis: "FILE",
        groups: [
            OptionGroup(
                "OPTIONS",
                [OptionSpec("checkpoint", value: "FILE", "The checkpoint; may also be given as the only argument")])
        ],
        positionals: ["checkpoint"])

    let checkpoint: String

    init(options: ParsedOptions) throws(UsageError) {
        guard let checkpoint = try options.nonEmptyString("checkpoint") else { throw .missingOption("FILE") }
        self.checkpoint = checkpoint
    }

    func run() throws(RuntimeError) {
        let bytes: [UInt8]
        do {
            bytes = try Checkpoint.readBytes(path: checkpoint)
        } catch {
            throw .checkpoint(.checkpoint(error))
        }
        if WeightsFile.hasMagic(bytes) {
            let config: RunConfig
            let network: Network
            do {
                (config, network) = try WeightsFile.decode(bytes, path: checkpoint)
            } catch {
                throw .checkpoint(.weights(error))
            }
            Console.out(Self.renderWeights(bytes, config: config, network: network, path: checkpoint))
            return
        }
        let contents: Checkpoint
        do {
            contents = try Checkpoint.decode(bytes, path: checkpoint, weights: .skip)
        } catch {
            throw .checkpoint(.checkpoint(error))
        }
        Console.out(Self.render(contents, path: checkpoint))
    }

    /// The report on a weights file (`weights.bin`): format, shape, configuration. It holds no cursor, metrics or
    /// best accuracy, so the report says where those are.
    static func renderWeights(_ bytes: [UInt8], config: RunConfig, network: Network, path: String) -> String {
        var lines: [String] = []
        func field(_ name: String, _ value: String) { lines.append(TextLayout.padRight(name, 15) + value) }
        let parameters =
            network.inputs * network.hidden + network.hidden + network.hidden * network.outputs
            + network.outputs
        field("weights file", path)
        field(
            "format",
            "PTRW \(WeightsFile.formatVersion) (weights only), \(bytes.count) bytes, "
                + "CRC32 \(hex32(WeightsFile.storedChecksum(bytes))) verified")
        field(
            "network",
            "\(network.inputs) inputs, \(network.hidden) hidden, \(network.outputs) outputs; "
                + "\(parameters) parameters, Float32, canonical order")
        field(
            "trained with",
            "\(config.name): \(config.epochs) \(config.epochs == 1 ? "epoch" : "epochs"), batch \(config.batch), "
                + "seed \(config.seed), nudge \(config.nudge.rawValue), rule \(config.rule.rawValue), "
                + "lr1 \(config.lr1), lr2 \(config.lr2)")
        field(
            "not stored",
            "training cursor, metrics, best accuracy: see the run's checkpoints ('\(Ptrain.name) inspect "
                + "latest.ckpt'); evaluate with '\(Ptrain.name) eval --checkpoint \(TrainCommand.shellQuoted(path))'")
        lines += ["", "configuration"]
        lines += config.jsonText().split(separator: "\n").map { "  " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report; `path` is shown as given.
    static func render(_ checkpoint: Checkpoint, path: String) -> String {
        let config = checkpoint.config
        let cursor = checkpoint.cursor
        var lines: [String] = []
        func field(_ name: String, _ value: String) { lines.append(TextLayout.padRight(name, 15) + value) }

        field("checkpoint", path)
        if let layout = checkpoint.layout {
            field(
                "format",
                "PTRAINCK \(layout.major).\(layout.minor), \(layout.size) bytes, \(layout.sections.count) sections, "
                    + "every CRC32 verified")
            field("configuration", "\(config.name), FNV-1a 64 hash \(hex(layout.configurationHash))")
        }
        if let input = checkpoint.layeredInput {
            field(
                "network",
                "\(input) inputs → \(ProgressFormat.layerSummary(config.layers)) → \(checkpoint.outputs) outputs; "
                    + "\(checkpoint.parameterCount) parameters as stored (channels padded to 16)")
        } else {
            field(
                "network",
                "\(checkpoint.inputs) inputs, \(checkpoint.hidden) hidden, \(checkpoint.outputs) outputs; "
                    + "\(checkpoint.shards) \(checkpoint.shards == 1 ? "shard" : "shards"); "
                    + "\(checkpoint.parameterCount) parameters")
        }
        field("data", checkpoint.data?.description ?? "not recorded (eval and resume accept any data)")
        field("position", position(cursor, config: config))
        field(
            "random state",
            "none stored: shuffles and spike trains are recomputed from (seed \(config.seed), epoch, sample, time step)"
        )
        if let best = checkpoint.best {
            field(
                "best",
                "test spike \(ProgressFormat.percent(best.testSpikeAccuracy, decimals: 2))% at epoch \(best.epoch) "
                    + "(relaxed \(ProgressFormat.percent(best.testRelaxedAccuracy, decimals: 2))%)")
        } else {
            field("best", "no epoch finished yet")
        }
        if cursor.epoch <= config.epochs {
            let isLatest = (path as NSString).lastPathComponent == RunDirectory.latest
            let target = isLatest ? (path as NSString).deletingLastPathComponent : path
            field(
                "resume with",
                "\(Ptrain.name) train --resume \(TrainCommand.shellQuoted(target.isEmpty ? "." : target))")
        }

        if let layout = checkpoint.layout {
            lines += ["", "sections"]
            let rows = layout.sections.map { section in
                [
                    section.tag, String(section.offset), String(section.length), hex32(section.crc),
                    note(for: section),
                ]
            }
            lines += table(["tag", "offset", "bytes", "crc32", ""], rows, rightAligned: [1, 2]).map { "  " + $0 }
        }

        lines += ["", "configuration"]
        lines += config.jsonText().split(separator: "\n").map { "  " + $0 }

        lines += ["", "metrics"]
        let summary = ProgressFormat.summaryTable(
            checkpoint.records,
            averagedFile: checkpoint.isLayered ? LayeredSession.averagedModel : RunDirectory.averagedWeights)
        lines += summary.isEmpty ? ["  no epoch finished yet"] : summary.map { "  " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `epoch 2 of 3: 150 of 300 batches done (1500 of 3000 samples), train 85.20% so far, 1.3 s`.
    static func position(_ cursor: TrainingCursor, config: RunConfig) -> String {
        let epochs = config.epochs
        if cursor.epoch > epochs {
            return "finished: all \(epochs) \(epochs == 1 ? "epoch" : "epochs") done"
        }
        guard cursor.isMidEpoch else {
            return "start of epoch \(cursor.epoch) of \(epochs) (\(cursor.completedEpochs) done)"
        }
        let batches = TrainingCursor.batchesPerEpoch(samples: cursor.epochSamples, batch: config.batch)
        let accuracy = ProgressFormat.percent(Double(cursor.correct) / Double(cursor.samplesDone), decimals: 2)
        return "epoch \(cursor.epoch) of \(epochs): \(cursor.batchesDone) of \(batches) batches done "
            + "(\(cursor.samplesDone) of \(cursor.epochSamples) samples), train \(accuracy)% so far, "
            + "\(String(format: "%.1f", cursor.trainSeconds)) s"
    }

    static func note(for section: CheckpointSection) -> String {
        guard section.known else { return "unknown to this ptrain (newer minor version): skipped" }
        switch section.tag {
        case "CONF": return "configuration JSON"
        case "CURS": return "training cursor"
        case "METR": return "metrics of every finished epoch"
        case "BEST": return "best test accuracy"
        case "TIME": return "timing (the only section that differs between identical runs)"
        case "WGHT": return "weights, Float32, canonical order (verified, not loaded)"
        case "dATA": return "data fingerprint (ancillary)"
        case "VALD": return "validation accuracies of every finished epoch"
        case "AVRG": return "running weight average: its sums and accuracies"
        case "LAYR": return "layered network: input shape, weights and biases, Float32 (verified, not loaded)"
        default: return ""
        }
    }

    /// Rows under headings, columns separated by two spaces; `rightAligned` columns padded on the left.
    static func table(_ headings: [String], _ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let widths = headings.indices.map { column in rows.reduce(headings[column].count) { max($0, $1[column].count) }
        }
        return ([headings] + rows).map { cells in
            cells.indices.map { column in
                column == cells.count - 1
                    ? cells[column]
                    : rightAligned.contains(column)
                        ? TextLayout.padLeft(cells[column], widths[column])
                        : TextLayout.padRight(cells[column], widths[column])
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func hex32(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
