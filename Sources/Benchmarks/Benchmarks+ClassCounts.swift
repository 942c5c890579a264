import Model
import Parallel

extension Benchmarks {
    /// Training throughput at one class count K (`ptrain bench`'s class-count rows).
    public struct ClassCountResult: Sendable, Equatable, Codable {
        public var classes: Int
        public var hidden: Int
        public var threads: Int
        public var samples: Int
        /// Training samples per second, one value per repetition.
        public var samplesPerSecond: [Double]
    }

    /// Training samples per second at `hidden` on the first `samples` images for each class count in `counts`
    /// (multiples of 10), cycling through them `repetitions` times so that each ratio to K = 10 is measured in
    /// one run. The images are MNIST's; K classes come from relabelling image i's digit d as d + 10·(i mod K/10),
    /// so every K sees the same spike trains and only the output layer (its width, the W2 update, the
    /// exchange of partial sums) grows.
    public static func classCounts(
        hidden: Int, counts: [Int], threads: Int, samples: Int, repetitions: Int, dataset: Dataset
    ) -> [ClassCountResult] {
        precondition(counts.allSatisfy { $0 >= 10 && $0 % 10 == 0 }, "class counts must be multiples of 10")
        var config = RunConfig()
        config.hidden = hidden
        let images = dataset.prefix(samples)
        let subsets = counts.map { classes in
            let groups = Int32(classes / 10)
            let labels = images.labels.enumerated().map { index, digit in digit + 10 * (Int32(index) % groups) }
            return Dataset(
                name: images.name, shape: images.shape, values: images.values, labels: labels, classCount: classes)
        }
        let pool = WorkerPool(threadCount: threads)
        var results = counts.map {
            ClassCountResult(classes: $0, hidden: hidden, threads: threads, samples: images.count, samplesPerSecond: [])
        }
        for _ in 0..<repetitions {
            for (index, subset) in subsets.enumerated() {
                let seconds = trainOnce(config: config, subset: subset, pool: pool, distribution: nil).seconds
                results[index].samplesPerSecond.append(Double(subset.count) / seconds)
            }
        }
        return results
    }
}
