import Foundation
import Model
import Parallel

func readIDX(_ path: String, header: Int) -> [UInt8] {
    let data = try! Data(contentsOf: URL(fileURLWithPath: path))
    return [UInt8](data[header...])
}
let args = CommandLine.arguments
let hidden = Int(args[1])!, epochs = Int(args[2])!, threads = Int(args[3])!
let limit = args.count > 4 ? Int(args[4])! : 60000
let trainAll = Dataset(name: "train", rows: 28, columns: 28, pixels: readIDX("/tmp/mnist-raw/train-images-idx3-ubyte", header: 16), labels: readIDX("/tmp/mnist-raw/train-labels-idx1-ubyte", header: 8))
let train = trainAll.prefix(limit)
let testLimit = args.count > 5 ? Int(args[5])! : 10000
let test = Dataset(name: "test", rows: 28, columns: 28, pixels: readIDX("/tmp/mnist-raw/t10k-images-idx3-ubyte", header: 16), labels: readIDX("/tmp/mnist-raw/t10k-labels-idx1-ubyte", header: 8)).prefix(testLimit)
var config = RunConfig()
config.hidden = hidden
let network = Network(inputs: 784, hidden: hidden, shards: config.resolvedShards, seed: config.seed)
let pool = WorkerPool(threadCount: threads)
let trainer = Trainer(config: config, network: network, pool: pool)
for epoch in 1...epochs {
    let order = EpochOrder.permutation(count: train.count, seed: config.seed, epoch: epoch)
    let start = Date()
    var correct = 0
    var i = 0
    while i < order.count {
        correct += try! trainer.trainBatch(samples: order[i..<min(i + config.batch, order.count)], dataset: train, epoch: epoch)
        i += config.batch
    }
    let secs = Date().timeIntervalSince(start)
    let evalStart = Date()
    let ev = Evaluator(config: config, network: network, pool: pool).evaluate(test)
    print("epoch \(epoch) train \(Double(correct)/Double(train.count)) test spike \(ev.spikeAccuracy) relaxed \(ev.relaxedAccuracy) train \(secs)s eval \(Date().timeIntervalSince(evalStart))s")
}
