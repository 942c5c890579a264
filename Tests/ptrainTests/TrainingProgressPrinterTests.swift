import Model
import Testing
import ptrain

/// The observer's output for a scripted run, with a fake clock: what is drawn, and how often.
@Suite("training progress printer")
struct TrainingProgressPrinterTests {
    final class Script {
        var output = ""
        var time = 0.0
    }

    static let record = EpochRecord(
        epoch: 1, trainAccuracy: 0.5, testSpikeAccuracy: 0.75, testRelaxedAccuracy: 0.8, seconds: 2,
        samplesPerSecond: 50)

    func play(_ style: TrainingProgressPrinter.Style) -> String {
        let script = Script()
        let printer = TrainingProgressPrinter(style: style, write: { script.output += $0 }, now: { script.time })
        var config = RunConfig()
        config.epochs = 2
        printer.runStarted(config: config, threads: 2, runDirectory: "runs/x", trainSamples: 100, testSamples: 40)
        for (time, done) in [(0.0, 10), (0.05, 20), (0.1, 30), (0.15, 40), (0.16, 100)] {
            script.time = time
            printer.batchFinished(
                epoch: 1, samplesDone: done, samplesTotal: 100, correct: done / 2, elapsedSeconds: Double(done) / 50)
        }
        printer.evaluationStarted(epoch: 1)
        printer.epochFinished(Self.record)
        return script.output
    }

    static let start =
        "run mnist-800: hidden 800, batch 10, 2 epochs, T 20, no leak, rule stdp, nudge centered, seed 1; "
        + "100 train / 40 test images; 2 threads; writing runs/x\n"
    static let epoch = "epoch 1/2  train 50.00%  test spike 75.00%  relaxed 80.00%  2.0 s  50 samples/s\n"

    @Test func plainOutputIsOneLineAtTheStartAndOnePerEpoch() {
        #expect(play(.plain) == Self.start + Self.epoch)
    }

    /// Redraws at t = 0 and 0.1 (0.05 and 0.15 are too soon), always at the end of the epoch, then the
    /// evaluation line, then the epoch line over it.
    @Test func terminalRedrawsAtMostTenTimesASecond() {
        let erase = "\u{1B}[K"
        let expected =
            Self.start
            + "\repoch 1/2 [##------------------]  10%  10/100  50 samples/s  ETA 0:02  train 50.0%" + erase
            + "\repoch 1/2 [######--------------]  30%  30/100  50 samples/s  ETA 0:01  train 50.0%" + erase
            + "\repoch 1/2 [####################] 100% 100/100  50 samples/s  ETA 0:00  train 50.0%" + erase
            + "\repoch 1/2 [####################] evaluating 40 test images..." + erase
            + "\r" + erase + Self.epoch
        #expect(play(.terminal) == expected)
    }
}
