import Dispatch
import Model
import Parallel

/// The measurements behind `ptrain bench`: the machine's single-core FMA peak, each kernel's speed at the
/// shapes training uses, the steps of one batch and the speed-up their task graph allows, and end-to-end
/// training throughput at 1 and N threads with either scheduler.
public enum Benchmarks {
    /// One kernel measurement.
    public struct KernelResult: Sendable, Equatable, Codable {
        public var kernel: String
        public var hidden: Int
        /// Floating-point operations actually executed per second (an add or a multiply counts 1, an FMA 2).
        public var gflops: Double
        /// `gflops` / the measured single-core FMA peak.
        public var fractionOfPeak: Double
        /// What one call does, for the table.
        public var note: String
    }

    /// One end-to-end training measurement.
    public struct TrainingResult: Sendable, Equatable, Codable {
        public var hidden: Int
        public var threads: Int
        public var scheduler: String
        public var samples: Int
        /// Training samples per second, one value per repetition.
        public var samplesPerSecond: [Double]
    }

    /// Seconds of `body`, repeated until at least `minimum` seconds have passed; returns seconds per call.
    static func time(minimum: Double = 0.25, _ body: () -> Void) -> Double {
        body()  // warm caches and page in buffers
        var calls = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            body()
            calls += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < minimum
        return elapsed / Double(calls)
    }

    /// Single-core fp32 FMA peak in GFLOP/s: 16 independent `SIMD16<Float>` FMA chains (enough to cover the
    /// FMA latency on two FMA ports), all results kept alive.
    public static func fmaPeak() -> Double {
        let iterations = 2_000_000
        var sink: Float = 0
        let seconds = time {
            var a = (0..<16).map { SIMD16<Float>(repeating: Float($0) * 1e-3) }
            let x = SIMD16<Float>(repeating: 0.999_9)
            let y = SIMD16<Float>(repeating: 1e-4)
            a.withUnsafeMutableBufferPointer { acc in
                var a0 = acc[0]
                var a1 = acc[1]
                var a2 = acc[2]
                var a3 = acc[3]
                var a4 = acc[4]
                var a5 = acc[5]
                var a6 = acc[6]
                var a7 = acc[7]
                var a8 = acc[8]
                var a9 = acc[9]
                var a10 = acc[10]
                var a11 = acc[11]
                var a12 = acc[12]
                var a13 = acc[13]
                var a14 = acc[14]
                var a15 = acc[15]
                for _ in 0..<iterations {
                    a0 = a0.addingProduct(a0, x)
                    a1 = a1.addingProduct(a1, x)
                    a2 = a2.addingProduct(a2, x)
                    a3 = a3.addingProduct(a3, x)
                    a4 = a4.addingProduct(a4, x)
                    a5 = a5.addingProduct(a5, x)
                    a6 = a6.addingProduct(a6, x)
                    a7 = a7.addingProduct(a7, x)
                    a8 = a8.addingProduct(a8, x)
                    a9 = a9.addingProduct(a9, x)
                    a10 = a10.addingProduct(a10, x)
                    a11 = a11.addingProduct(a11, x)
                    a12 = a12.addingProduct(a12, y)
                    a13 = a13.addingProduct(a13, y)
                    a14 = a14.addingProduct(a14, y)
                    a15 = a15.addingProduct(a15, y)
                }
                acc[0] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15
            }
            sink += a[0].sum()
        }
        blackHole(sink)
        return Double(iterations) * 16 * 16 * 2 / seconds / 1e9
    }

    /// Each training kernel at hidden size `hidden`, batch 10, on spike trains of real images from `dataset`,
    /// over the shard layout training uses.
    public static func kernels(hidden: Int, dataset: Dataset, peak: Double) -> [KernelResult] {
        var config = RunConfig()
        config.hidden = hidden
        let network = Network(inputs: dataset.inputsPerSample, hidden: hidden, shards: config.resolvedShards, seed: 1)
        let steps = config.timeSteps
        let inputs = network.inputs
        let batch = 10
        let trains = SpikeTrainBuffers(capacity: batch, timeSteps: steps, inputs: inputs)
        let encoder = SpikeEncoder(seed: 1, timeSteps: steps, inputs: inputs)
        dataset.withUnsafeSamples { values in
            trains.withUnsafeSamples { trains in
                for b in 0..<batch {
                    encoder.encode(sample: b, of: values, stream: .trainingSpikes, epoch: 1, into: trains[b])
                }
            }
        }
        let widest = network.shards.map(\.width).max()!
        let driveScratch = AlignedBuffer<Float>(count: widest)
        let totalWidth = network.shards.map(\.width).reduce(0, +)
        var results: [KernelResult] = []
        func record(_ name: String, flops: Double, seconds: Double, note: String) {
            let gflops = flops / seconds / 1e9
            results.append(
                KernelResult(kernel: name, hidden: hidden, gflops: gflops, fractionOfPeak: gflops / peak, note: note))
        }

        // Hidden drive (Eq. 5): the event-driven sums of switched-on/off rows, 64-column blocks, T steps.
        var rowsTouched = 0
        for b in 0..<batch {
            for t in 0..<steps {
                rowsTouched += Int(trains.addedCounts[b * steps + t] + trains.removedCounts[b * steps + t])
            }
        }
        let driveSeconds = time {
            trains.withUnsafeSamples { trains in
                driveScratch.withUnsafeMutableBufferPointer { input in
                    for shard in network.shards {
                        shard.withUnsafeWeights { weights in
                            for b in 0..<batch {
                                let spikes = trains[b]
                                var column = 0
                                while column < shard.width {
                                    let block = min(Kernels.blockWidth, shard.width - column)
                                    let out = input.pointer(at: column, count: block)
                                    for t in 0..<steps {
                                        Kernels.accumulateRowChanges(
                                            matrix: weights.inputWeights.pointer(
                                                at: column, count: weights.inputWeights.count - column),
                                            rowStride: shard.width, width: block, added: spikes.added(step: t),
                                            addedCount: spikes.addedCount(step: t), removed: spikes.removed(step: t),
                                            removedCount: spikes.removedCount(step: t),
                                            base: UnsafePointer(
                                                t == 0 ? weights.hiddenBias.pointer(at: column, count: block) : out),
                                            out: out)
                                    }
                                    column += block
                                }
                            }
                        }
                    }
                }
            }
        }
        let driveFlops = Double((rowsTouched + batch * steps) * totalWidth)
        record(
            "hidden drive (event-driven)", flops: driveFlops, seconds: driveSeconds,
            note: "\(rowsTouched / (batch * steps)) rows change per step; a dense x·W1 per step does "
                + "\(MetricsTable.fixed(2 * Double(inputs * totalWidth * batch * steps) / driveFlops, 0))× the flops")

        // Output drive / relaxation feedback: 10 dot products per shard and sample.
        let spikeVector = AlignedBuffer<Float>(count: widest)
        for j in 0..<widest { spikeVector[j] = Float(j % 3 == 0 ? 1 : 0) }
        let out = AlignedBuffer<Float>(count: Kernels.lanes)
        let dotSeconds = time {
            spikeVector.withUnsafeBufferPointer { spikes in
                out.withUnsafeMutableBufferPointer { out in
                    for _ in 0..<(batch * steps) {
                        for shard in network.shards {
                            shard.withUnsafeWeights { weights in
                                Kernels.rowDots(
                                    spikes.start, weights: weights.outputWeightsTransposed.start, rows: network.outputs,
                                    width: shard.width, clampInput: false, out: out.start)
                            }
                        }
                    }
                }
            }
        }
        record(
            "output drive rowDots", flops: Double(2 * network.outputs * totalWidth * batch * steps),
            seconds: dotSeconds, note: "\(network.outputs) dot products per shard, T×B calls")

        // Rank-10 update of W1, dense (every row, every coefficient non-zero).
        let rows = AlignedBuffer<Kernels.RowIndex>(count: inputs)
        for i in 0..<inputs { rows[i] = Kernels.RowIndex(i) }
        let coefficients = AlignedBuffer<Float>(count: inputs * batch)
        coefficients.fill(1e-6)
        let deltas = AlignedBuffer<Float>(count: batch * widest)
        deltas.fill(1e-6)
        /// Seconds per W1 update of every shard over the first `rowCount` listed rows, by either kernel.
        func updateTime(rowCount: Int, blocked: Bool) -> Double {
            time {
                rows.withUnsafeBufferPointer { rows in
                    coefficients.withUnsafeBufferPointer { coefficients in
                        deltas.withUnsafeBufferPointer { deltas in
                            for shard in network.shards {
                                let update = blocked ? Kernels.denseRankUpdate : Kernels.rankUpdate
                                shard.withUnsafeWeights { weights in
                                    update(
                                        weights.inputWeights.start, shard.width, shard.width, rows.start, rowCount,
                                        coefficients.start, deltas.start, batch)
                                }
                            }
                        }
                    }
                }
            }
        }
        let updateSeconds = updateTime(rowCount: inputs, blocked: false)
        record(
            "W1 rank-10 update (dense)", flops: Double(2 * batch * inputs * totalWidth), seconds: updateSeconds,
            note: "784×10 · 10×H, in place, rankUpdate")
        let blockedSeconds = updateTime(rowCount: inputs, blocked: true)
        record(
            "W1 rank-10 update (register-blocked)", flops: Double(2 * batch * inputs * totalWidth),
            seconds: blockedSeconds, note: "denseRankUpdate: 10×32 deltas in registers")

        // The W1 update as training runs it: the rows some sample activated, MNIST rates as coefficients.
        var activeCount = 0
        var nonZeroTerms = 0
        for i in 0..<inputs {
            var any = false
            for b in 0..<batch where trains.rates[b * inputs + i] != 0 { any = true }
            guard any else { continue }
            rows[activeCount] = Kernels.RowIndex(i)
            for b in 0..<batch {
                let rate = trains.rates[b * inputs + i]
                coefficients[activeCount * batch + b] = rate * 1e-6
                nonZeroTerms += rate == 0 ? 0 : 1
            }
            activeCount += 1
        }
        let sparseSeconds = updateTime(rowCount: activeCount, blocked: false)
        let sparseBlockedSeconds = updateTime(rowCount: activeCount, blocked: true)
        record(
            "W1 update, MNIST batch (as trained)", flops: Double(2 * nonZeroTerms * totalWidth), seconds: sparseSeconds,
            note: "\(activeCount) active rows, \(nonZeroTerms) non-zero terms: \(microseconds(sparseSeconds)) µs "
                + "(register-blocked on all terms: \(microseconds(sparseBlockedSeconds)) µs)")

        // The W2 update as training runs it (Trainer.updateWeights): every shard's 10 × width W2ᵀ block, all 10
        // rows, 10 dense coefficients per row (differences of output potentials), register-blocked kernel.
        let outputRows = AlignedBuffer<Kernels.RowIndex>(count: Kernels.lanes)
        for k in 0..<Kernels.lanes { outputRows[k] = Kernels.RowIndex(k) }
        let outputCoefficients = AlignedBuffer<Float>(count: Kernels.lanes * batch)
        outputCoefficients.fill(1e-6)
        let outputUpdateSeconds = time {
            outputRows.withUnsafeBufferPointer { outputRows in
                outputCoefficients.withUnsafeBufferPointer { outputCoefficients in
                    deltas.withUnsafeBufferPointer { deltas in
                        for shard in network.shards {
                            shard.withUnsafeWeights { weights in
                                Kernels.denseRankUpdate(
                                    matrix: weights.outputWeightsTransposed.start, rowStride: shard.width,
                                    width: shard.width, rows: outputRows.start, rowCount: network.outputs,
                                    coefficients: outputCoefficients.start, deltas: deltas.start, batch: batch)
                            }
                        }
                    }
                }
            }
        }
        record(
            "W2 rank-10 update H×10 (blocked)", flops: Double(2 * batch * network.outputs * totalWidth),
            seconds: outputUpdateSeconds,
            note: "denseRankUpdate on the W2ᵀ blocks, 10 rows: \(microseconds(outputUpdateSeconds)) µs per batch")

        // Dense x·W1 for the batch (what the event-driven drive replaces), over the rates r_x.
        let denseOut = AlignedBuffer<Float>(count: batch * widest)
        let denseSeconds = time {
            trains.rates.withUnsafeBufferPointer { rates in
                denseOut.withUnsafeMutableBufferPointer { denseOut in
                    for shard in network.shards {
                        shard.withUnsafeWeights { weights in
                            Kernels.denseDrive(
                                inputs: rates.start, inputCount: inputs, batch: batch,
                                matrix: weights.inputWeights.start, rowStride: shard.width, width: shard.width,
                                bias: weights.hiddenBias.start, out: denseOut.start)
                        }
                    }
                }
            }
        }
        record(
            "hidden drive, dense x·W1 (panels)", flops: Double(2 * batch * inputs * totalWidth), seconds: denseSeconds,
            note: "denseDrive, 10×784 · 784×H: \(microseconds(denseSeconds)) µs per time step against "
                + "\(microseconds(driveSeconds / Double(steps))) µs event-driven")

        // LIF step: leak, integrate, threshold, reset, drive sum (4 flops per neuron).
        let potential = AlignedBuffer<Float>(count: totalWidth)
        let drive = AlignedBuffer<Float>(count: totalWidth)
        let sums = AlignedBuffer<Float>(count: totalWidth)
        let fired = AlignedBuffer<Float>(count: totalWidth)
        for j in 0..<totalWidth { drive[j] = Float(j % 7) * 0.2 }
        let lifSeconds = time {
            AlignedBuffer.withUnsafeMutableBufferPointers([potential, drive, sums, fired]) { b in
                for _ in 0..<(batch * steps) {
                    _ = Kernels.integrateAndFire(
                        potential: b[0].start, input: b[1].start, inputSum: b[2].start, width: totalWidth, leak: 1,
                        threshold: 1, reset: .subtract, spikes: b[3].start)
                }
            }
        }
        record(
            "LIF step (Euler, threshold, reset)", flops: Double(4 * totalWidth * batch * steps), seconds: lifSeconds,
            note: "\(MetricsTable.fixed(lifSeconds / Double(batch * steps) * 1e6, 2)) µs per step of \(hidden) neurons")

        // Relaxation step of the hidden layer (Eq. 10): 10 feedback FMAs + 5 flops per neuron.
        let scale = AlignedBuffer<Float>(count: Kernels.lanes)
        scale.fill(0.3)
        let relaxSeconds = time {
            AlignedBuffer.withUnsafeMutableBufferPointers([potential, drive, scale]) { b in
                for _ in 0..<batch {
                    for shard in network.shards {
                        shard.withUnsafeWeights { weights in
                            Kernels.relaxStep(
                                potential: b[0].start, drive: b[1].start,
                                feedback: weights.outputWeightsTransposed.start,
                                feedbackRows: network.outputs, feedbackScale: b[2].start, eps: 0.5, width: shard.width)
                        }
                    }
                }
            }
        }
        record(
            "relaxation step (Eq. 10)", flops: Double((2 * network.outputs + 5) * totalWidth * batch),
            seconds: relaxSeconds, note: "per sample and shard")
        return results
    }

    static func microseconds(_ seconds: Double) -> String { MetricsTable.fixed(seconds * 1e6, 1) }

    /// Microseconds per parallel step with trivial tasks.
    public struct StepOverhead: Sendable, Equatable, Codable {
        /// `WorkerPool` with its own threads (`--scheduler pool`).
        public var pool: Double
        /// `WorkerPool` over `concurrentPerform`, one iteration per thread (`--scheduler dispatch`).
        public var dispatchPool: Double
        /// A bare `DispatchQueue.concurrentPerform` with one iteration per task.
        public var concurrentPerform: Double
    }

    /// Microseconds per parallel step of `tasks` trivial tasks on `threads` threads, each way of running one.
    public static func dispatchOverhead(threads: Int, tasks: Int = 8) -> StepOverhead {
        let sink = AlignedBuffer<Int>(count: tasks)
        let calls = 2_000
        func perCall(_ pool: WorkerPool) -> Double {
            time { for _ in 0..<calls { pool.run(tasks: tasks) { task, _ in sink[task] &+= 1 } } } / Double(calls) * 1e6
        }
        let pool = perCall(WorkerPool(threadCount: threads, scheduler: .pool))
        let dispatchPool = perCall(WorkerPool(threadCount: threads, scheduler: .dispatch))
        // The same task body for all three: `sink`'s bounds-checked subscript (a concurrentPerform closure is
        // `@Sendable` and cannot capture a buffer pointer).
        let dispatchSeconds = time {
            for _ in 0..<calls {
                DispatchQueue.concurrentPerform(iterations: tasks) { task in sink[task] &+= 1 }
            }
        }
        blackHole(sink.array)
        return StepOverhead(
            pool: pool, dispatchPool: dispatchPool, concurrentPerform: dispatchSeconds / Double(calls) * 1e6)
    }

    /// Training samples per second at `hidden` on the first `samples` images, for each thread count in
    /// `threads` and each scheduler in `schedulers` (one-thread runs only once: both schedulers run them
    /// inline), cycling through the combinations `repetitions` times so that each ratio is measured in one run.
    public static func training(
        hidden: Int, threads: [Int], schedulers: [Scheduler] = [.default], samples: Int, repetitions: Int,
        dataset: Dataset
    ) -> [TrainingResult] {
        var config = RunConfig()
        config.hidden = hidden
        let subset = dataset.prefix(samples)
        let pools = threads.flatMap { count in
            (count == 1 ? [schedulers[0]] : schedulers).map { WorkerPool(threadCount: count, scheduler: $0) }
        }
        var results = pools.map {
            TrainingResult(
                hidden: hidden, threads: $0.threadCount, scheduler: $0.scheduler.rawValue, samples: subset.count,
                samplesPerSecond: [])
        }
        for _ in 0..<repetitions {
            for (index, pool) in pools.enumerated() {
                let seconds = trainOnce(config: config, subset: subset, pool: pool, distribution: nil).seconds
                results[index].samplesPerSecond.append(Double(subset.count) / seconds)
            }
        }
        return results
    }

    /// One epoch of `subset` in batches of 10 from the seed-1 network; its seconds and batch count.
    static func trainOnce(config: RunConfig, subset: Dataset, pool: WorkerPool, distribution: Distribution?) -> (
        seconds: Double, batches: Int
    ) {
        let network = Network(
            inputs: subset.inputsPerSample, hidden: config.hidden, outputs: subset.classCount,
            shards: config.resolvedShards, seed: 1)
        let trainer = Trainer(config: config, network: network, pool: pool, distribution: distribution)
        let order = EpochOrder.permutation(count: subset.count, seed: 1, epoch: 1)
        distribution?.communicator.barrier()
        (distribution?.communicator as? TimedCommunicator)?.reset()
        let start = DispatchTime.now().uptimeNanoseconds
        var done = 0
        var batches = 0
        while done < order.count {
            _ = try? trainer.trainBatch(samples: order[done..<min(done + 10, order.count)], dataset: subset, epoch: 1)
            done += 10
            batches += 1
        }
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, batches)
    }
}

extension Benchmarks {
    /// One measurement of training split over the ranks of a group (`ptrain bench --distributed`).
    public struct DistributedTrainingResult: Sendable, Equatable, Codable {
        public var hidden: Int
        public var shards: Int
        public var ranks: Int
        public var threadsPerRank: Int
        public var samples: Int
        /// Training samples per second on rank 0, one value per repetition.
        public var samplesPerSecond: [Double]
        /// Collective calls per batch (all-gathers of partials, agreement on divergence and stops).
        public var exchangesPerBatch: Double
        /// Bytes rank 0 received per batch.
        public var bytesPerBatch: Double
        /// Microseconds rank 0 spent inside collective calls per batch (waiting for the others included).
        public var exchangeMicrosecondsPerBatch: Double
    }

    /// Trains the first `samples` images at `hidden` on every rank of `communicator` (each with `threads`
    /// threads), `repetitions` times from the same initial network, and measures throughput and the
    /// communication `communicator` counted. Every rank calls it; the result is rank 0's view.
    public static func distributedTraining(
        hidden: Int, samples: Int, repetitions: Int, dataset: Dataset, communicator: TimedCommunicator, threads: Int
    ) throws(DistributionError) -> DistributedTrainingResult {
        var config = RunConfig()
        config.hidden = hidden
        let subset = dataset.prefix(samples)
        let distribution = try Distribution(communicator: communicator, shardCount: config.resolvedShards)
        let pool = WorkerPool(threadCount: threads)
        var result = DistributedTrainingResult(
            hidden: hidden, shards: config.resolvedShards, ranks: communicator.size, threadsPerRank: threads,
            samples: subset.count, samplesPerSecond: [], exchangesPerBatch: 0, bytesPerBatch: 0,
            exchangeMicrosecondsPerBatch: 0)
        var batches = 0
        var totals = TimedCommunicator.Totals()
        for _ in 0..<repetitions {
            let (seconds, count) = trainOnce(config: config, subset: subset, pool: pool, distribution: distribution)
            batches += count
            let counted = communicator.current
            totals.calls += counted.calls
            totals.bytesReceived += counted.bytesReceived
            totals.seconds += counted.seconds
            result.samplesPerSecond.append(Double(subset.count) / seconds)
        }
        result.exchangesPerBatch = Double(totals.calls) / Double(max(batches, 1))
        result.bytesPerBatch = Double(totals.bytesReceived) / Double(max(batches, 1))
        result.exchangeMicrosecondsPerBatch = totals.seconds / Double(max(batches, 1)) * 1e6
        return result
    }
}

/// Keeps a value alive so the optimiser cannot delete the work that produced it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
