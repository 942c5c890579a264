import Foundation
import Model
import Parallel
import Testing

/// Learning on real MNIST, end to end through `TrainingSession`: accuracy floors that a broken rule cannot
/// reach, and a run directory whose files read back to the same network.
@Suite("Training on a real MNIST subset", .serialized)
struct MNISTTrainingTests {
    final class SilentObserver: TrainingObserver {
        var batches = 0
        var epochs: [EpochRecord] = []
        func runStarted(config: RunConfig, threads: Int, runDirectory: String, trainSamples: Int, testSamples: Int) {}
        func batchFinished(epoch: Int, samplesDone: Int, samplesTotal: Int, correct: Int, elapsedSeconds: Double) {
            batches += 1
        }
        func evaluationStarted(epoch: Int) {}
        func epochFinished(_ record: EpochRecord) { epochs.append(record) }
    }

    /// 100 hidden neurons, 3,000 training images, 2 epochs, 1,000 test images (`configs/smoke.json`).
    static func smokeConfig() -> RunConfig {
        var config = RunConfig()
        config.name = "smoke"
        config.hidden = 100
        config.epochs = 2
        config.trainLimit = 3000
        config.testLimit = 1000
        return config
    }

    @Test("H = 100 on 3,000 images: ≥ 80% test accuracy after 2 epochs, by both readouts")
    func smokeRunLearns() throws {
        let mnist = try MNIST.load(directory: try TestData.mnist())
        try TestData.withTemporaryDirectory { directory in
            let observer = SilentObserver()
            let session = TrainingSession(config: Self.smokeConfig(), data: mnist, threads: 2, runDirectory: directory)
            let records = try session.run(observer: observer)
            #expect(records.count == 2)
            #expect(observer.batches == 600)
            #expect(records.last!.testSpikeAccuracy >= 0.80, "spike readout \(records.last!.testSpikeAccuracy)")
            #expect(records.last!.testRelaxedAccuracy >= 0.80, "relaxed readout \(records.last!.testRelaxedAccuracy)")
            #expect(records[1].trainAccuracy > records[0].trainAccuracy)

            // The run directory: config.json decodes to the resolved configuration, metrics.csv has one
            // line per epoch, and weights.bin evaluates to exactly the accuracy recorded for the last epoch.
            let configText = try Data(contentsOf: URL(fileURLWithPath: directory + "/config.json"))
            #expect(try RunConfig.decode(configText, source: "config.json") == session.config)
            let metrics = try String(contentsOfFile: directory + "/metrics.csv", encoding: .utf8)
            let lines = metrics.split(separator: "\n")
            #expect(lines.count == 3)
            #expect(lines[0] == Substring(MetricsTable.header))
            let evaluation = try evaluateWeightsFile(
                path: directory + "/weights.bin", dataset: mnist.test.prefix(1000), threads: 1)
            #expect(evaluation.spikeAccuracy == records.last!.testSpikeAccuracy)
            #expect(evaluation.relaxedAccuracy == records.last!.testRelaxedAccuracy)
            #expect(evaluation.confusion.joined().reduce(0, +) == 1000)
        }
    }

    @Test("the same seed gives the same metrics at 1 and 2 threads on real data")
    func realDataThreadIndependence() throws {
        let mnist = try MNIST.load(directory: try TestData.mnist())
        var config = Self.smokeConfig()
        config.epochs = 1
        config.trainLimit = 1000
        config.testLimit = 300
        var results: [[Float]] = []
        var accuracies: [Double] = []
        for threads in [1, 2] {
            try TestData.withTemporaryDirectory { directory in
                let records = try TrainingSession(
                    config: config, data: mnist, threads: threads, runDirectory: directory
                )
                .run(observer: SilentObserver())
                accuracies.append(records[0].testSpikeAccuracy)
                results.append(try WeightsFile.read(path: directory + "/weights.bin").network.canonicalParameters())
            }
        }
        #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern))
        #expect(accuracies[0] == accuracies[1])
    }

    @Test("a diverging learning rate stops with an error naming epoch, batch and quantity")
    func divergenceIsDetected() throws {
        let mnist = try MNIST.load(directory: try TestData.mnist())
        var config = Self.smokeConfig()
        config.lr1 = 1e37
        config.lr2 = 1e37
        config.epochs = 1
        try TestData.withTemporaryDirectory { directory in
            let session = TrainingSession(config: config, data: mnist, threads: 2, runDirectory: directory)
            #expect {
                try session.run(observer: SilentObserver())
            } throws: { error in
                guard case SessionError.diverged(let epoch, let batch, let detail) = error else { return false }
                // 10^37 leaves b1 huge but finite after the first update: the bound, not the NaN check, stops it.
                return epoch == 1 && batch == 1 && detail.hasPrefix("training diverged: b1 bias ")
                    && detail.contains(" exceeds 1e6 in magnitude at hidden neuron ")
            }
        }
    }
}
