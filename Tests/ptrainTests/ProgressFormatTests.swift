import Model
import Testing
import ptrain

@Suite("progress formatting")
struct ProgressFormatTests {
    @Test func liveLine() {
        // 27000 samples in 27000/1234 s: 1234 samples/s, 33000 left → 26.7 s; 25218/27000 = 93.4 %.
        let line = ProgressFormat.liveLine(
            epoch: 3, epochs: 20, samplesDone: 27000, samplesTotal: 60000, correct: 25218,
            elapsedSeconds: 27000.0 / 1234)
        #expect(line == "epoch 3/20 [#########-----------]  45% 27000/60000  1234 samples/s  ETA 0:27  train 93.4%")
    }

    @Test func liveLinePadsTheSampleCountAndHandlesTheStart() {
        let start = ProgressFormat.liveLine(
            epoch: 1, epochs: 100, samplesDone: 0, samplesTotal: 60000, correct: 0, elapsedSeconds: 0)
        #expect(start == "epoch 1/100 [--------------------]   0%     0/60000  0 samples/s  ETA -:--  train 0.0%")
        let end = ProgressFormat.liveLine(
            epoch: 100, epochs: 100, samplesDone: 60000, samplesTotal: 60000, correct: 59000, elapsedSeconds: 4000)
        #expect(end == "epoch 100/100 [####################] 100% 60000/60000  15 samples/s  ETA 0:00  train 98.3%")
    }

    @Test func bar() {
        #expect(ProgressFormat.bar(done: 0, total: 10) == "[--------------------]")
        #expect(ProgressFormat.bar(done: 9, total: 10) == "[##################--]")
        #expect(ProgressFormat.bar(done: 999, total: 1000) == "[###################-]")  // full only when done
        #expect(ProgressFormat.bar(done: 10, total: 10, width: 4) == "[####]")
        #expect(ProgressFormat.bar(done: 5, total: 0, width: 4) == "[----]")
    }

    @Test func duration() {
        #expect(ProgressFormat.duration(0) == "0:00")
        #expect(ProgressFormat.duration(26.7) == "0:27")
        #expect(ProgressFormat.duration(725) == "12:05")
        #expect(ProgressFormat.duration(3723) == "1:02:03")
        #expect(ProgressFormat.duration(.infinity) == "-:--")
        #expect(ProgressFormat.duration(.nan) == "-:--")
        #expect(ProgressFormat.duration(-1) == "-:--")
    }

    @Test func epochLine() {
        let record = EpochRecord(
            epoch: 3, trainAccuracy: 0.93412, testSpikeAccuracy: 0.9402, testRelaxedAccuracy: 0.941,
            seconds: 48.62, samplesPerSecond: 1234.4)
        #expect(
            ProgressFormat.epochLine(record, epochs: 20)
                == "epoch 3/20  train 93.41%  test spike 94.02%  relaxed 94.10%  48.6 s  1234 samples/s")
    }

    @Test func runStartLine() {
        var config = RunConfig()
        config.epochs = 20
        config.tauM = 20
        let line = ProgressFormat.runStartLine(
            config: config, threads: 8, runDirectory: "runs/mnist-800-h800-s1", trainSamples: 60000, testSamples: 10000)
        #expect(
            line
                == "run mnist-800: hidden 800, batch 10, 20 epochs, T 20, tau-m 20.0, rule stdp, nudge centered, seed 1; "
                + "60000 train / 10000 test images; 8 threads; writing runs/mnist-800-h800-s1")
        config.shift = 2
        #expect(
            ProgressFormat.runStartLine(
                config: config, threads: 1, runDirectory: "r", trainSamples: 50000, testSamples: 10000
            ).contains(
                "nudge centered, seed 1, training images moved up to 2 px; 50000 train / 10000 test images; 1 thread"))
    }

    @Test func summaryTableMarksTheFirstBestSpikeAccuracy() {
        let records = [
            EpochRecord(
                epoch: 1, trainAccuracy: 0.91234, testSpikeAccuracy: 0.93456, testRelaxedAccuracy: 0.9350,
                seconds: 41.23, samplesPerSecond: 1456.4),
            EpochRecord(
                epoch: 2, trainAccuracy: 0.9510, testSpikeAccuracy: 0.9620, testRelaxedAccuracy: 0.9631,
                seconds: 40.91, samplesPerSecond: 1466.6),
            EpochRecord(
                epoch: 10, trainAccuracy: 0.9600, testSpikeAccuracy: 0.9620, testRelaxedAccuracy: 0.9640,
                seconds: 1234.0, samplesPerSecond: 12000),
        ]
        #expect(
            ProgressFormat.summaryTable(records) == [
                "epoch  train %  test spike %  test relaxed %  seconds  samples/s",
                "    1    91.23         93.46           93.50     41.2       1456",
                "    2    95.10         96.20           96.31     40.9       1467  *",
                "   10    96.00         96.20           96.40   1234.0      12000",
                "* best test spike accuracy 96.20% (epoch 2), test-selected: no validation split, an optimistic maximum",
            ])
        #expect(ProgressFormat.summaryTable([]) == [])
    }

    @Test func downloadLines() {
        #expect(ProgressFormat.bytes(512) == "512 B")
        #expect(ProgressFormat.bytes(28_881) == "28.9 kB")
        #expect(ProgressFormat.bytes(9_912_422) == "9.9 MB")
        #expect(
            ProgressFormat.downloadLine(file: "train-images-idx3-ubyte.gz", bytesDone: 4_200_000, bytesTotal: 9_912_422)
                == "train-images-idx3-ubyte.gz  4.2 MB / 9.9 MB  42%")
        #expect(
            ProgressFormat.downloadLine(file: "t10k-labels-idx1-ubyte.gz", bytesDone: 4_542, bytesTotal: nil)
                == "t10k-labels-idx1-ubyte.gz  4.5 kB")
    }
}
