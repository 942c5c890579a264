import Model
import Parallel

/// A plain Double-precision implementation of the layered algorithm of docs/algorithm.md ("Layered networks"),
/// written from the equations with explicit loops over rows, columns and channels, and sharing no code with the
/// kernels: what `LayeredTrainer` must agree with. Its inputs are binary images (pixels 0 or 255), whose spikes
/// are the image itself at every step, so no spike encoder is needed.
struct LayeredReference {
    struct Layer {
        let geometry: ConvolutionGeometry
        var weights: [Double]
        var bias: [Double]
        let perPosition: Bool
    }

    var layers: [Layer]
    let config: RunConfig

    init(network: LayeredNetwork, config: RunConfig) {
        layers = network.layers.map {
            Layer(
                geometry: $0.geometry, weights: $0.weights.array.map(Double.init), bias: $0.bias.array.map(Double.init),
                perPosition: $0.biasPerPosition)
        }
        self.config = config
    }

    /// Where weight (position, ky, kx, i, c) is stored (HWIO, one kernel per position for `local`).
    static func weightIndex(_ g: ConvolutionGeometry, _ oy: Int, _ ox: Int, _ ky: Int, _ kx: Int, _ i: Int, _ c: Int)
        -> Int
    {
        let kernel = g.kernelRows * g.kernelColumns * g.inputChannels * g.outputChannels
        let block = g.sharing == .shared ? 0 : (oy * g.outputColumns + ox) * kernel
        return block + ((ky * g.kernelColumns + kx) * g.inputChannels + i) * g.outputChannels + c
    }

    /// Every (output position, kernel tap) → input position pair inside the input.
    static func taps(_ g: ConvolutionGeometry) -> [(oy: Int, ox: Int, ky: Int, kx: Int, iy: Int, ix: Int)] {
        var taps: [(Int, Int, Int, Int, Int, Int)] = []
        for oy in 0..<g.outputRows {
            for ox in 0..<g.outputColumns {
                for ky in 0..<g.kernelRows {
                    for kx in 0..<g.kernelColumns {
                        let iy = oy * g.stride + ky - g.padding
                        let ix = ox * g.stride + kx - g.padding
                        if iy >= 0 && iy < g.inputRows && ix >= 0 && ix < g.inputColumns {
                            taps.append((oy, ox, ky, kx, iy, ix))
                        }
                    }
                }
            }
        }
        return taps
    }

    /// W_l · x + b_l.
    func forward(_ l: Int, _ x: [Double]) -> [Double] {
        let layer = layers[l]
        let g = layer.geometry
        var out = [Double](repeating: 0, count: g.outputCount)
        for oy in 0..<g.outputRows {
            for ox in 0..<g.outputColumns {
                for c in 0..<g.outputChannels {
                    let position = oy * g.outputColumns + ox
                    out[position * g.outputChannels + c] =
                        layer.bias[(layer.perPosition ? position * g.outputChannels : 0) + c]
                }
            }
        }
        for t in Self.taps(g) {
            for i in 0..<g.inputChannels {
                let value = x[(t.iy * g.inputColumns + t.ix) * g.inputChannels + i]
                for c in 0..<g.outputChannels {
                    out[(t.oy * g.outputColumns + t.ox) * g.outputChannels + c] +=
                        value * layer.weights[Self.weightIndex(g, t.oy, t.ox, t.ky, t.kx, i, c)]
                }
            }
        }
        return out
    }

    /// W_lᵀ · s.
    func transpose(_ l: Int, _ s: [Double]) -> [Double] {
        let layer = layers[l]
        let g = layer.geometry
        var out = [Double](repeating: 0, count: g.inputCount)
        for t in Self.taps(g) {
            for i in 0..<g.inputChannels {
                for c in 0..<g.outputChannels {
                    out[(t.iy * g.inputColumns + t.ix) * g.inputChannels + i] +=
                        layer.weights[Self.weightIndex(g, t.oy, t.ox, t.ky, t.kx, i, c)]
                        * s[(t.oy * g.outputColumns + t.ox) * g.outputChannels + c]
                }
            }
        }
        return out
    }

    static func clamp(_ v: Double) -> Double { min(max(v, 0), 1) }

    /// One synchronous Euler step of every layer; `beta` nudges the output toward `target`, `hold` keeps it.
    func relax(_ states: inout [[Double]], input: [Double], drive0: [Double], beta: Double, target: Int, hold: Bool) {
        let last = layers.count - 1
        var totals: [[Double]] = []
        for l in 0...last {
            var total = l == 0 ? drive0 : forward(l, states[l - 1])
            if l < last {
                let feedback = transpose(l + 1, states[l + 1])
                for j in total.indices { total[j] += feedback[j] }
            }
            totals.append(total)
        }
        let eps = Double(config.eps)
        for l in 0...last where !(l == last && hold) {
            for j in states[l].indices {
                let v = states[l][j]
                let gated = v >= 0 && v <= 1 ? totals[l][j] : 0
                let nudge = l == last ? beta * ((j == target ? 1 : 0) - v) : 0
                states[l][j] = Self.clamp(v + eps * (gated - v + nudge))
            }
        }
    }

    /// One minibatch of binary images `images` (0/1 values, one array each) with `labels`: the spec's five steps
    /// for every sample, then the Eq. 15 update of every layer.
    mutating func trainBatch(images: [[Double]], labels: [Int]) {
        let last = layers.count - 1
        var frees: [[[Double]]] = []
        var nudgeds: [[[Double]]] = []
        for (input, label) in zip(images, labels) {
            // Eq. 5: T LIF steps through every layer.
            var potentials = layers.map { [Double](repeating: 0, count: $0.geometry.outputCount) }
            var drives = potentials
            for _ in 0..<config.timeSteps {
                var below = input
                for l in 0...last {
                    let current = forward(l, below)
                    var spikes = [Double](repeating: 0, count: current.count)
                    for j in current.indices {
                        potentials[l][j] += current[j]
                        drives[l][j] += current[j]
                        if potentials[l][j] >= Double(config.theta) {
                            spikes[j] = 1
                            potentials[l][j] -= Double(config.theta)
                        }
                    }
                    below = spikes
                }
            }
            drives = drives.map { $0.map { $0 / Double(config.timeSteps) } }
            var free = drives.map { $0.map(Self.clamp) }
            for _ in 0..<config.kFree {
                relax(&free, input: input, drive0: drives[0], beta: 0, target: label, hold: false)
            }
            var nudged = free
            let beta = Double(config.beta)
            for _ in 0..<config.kPos {
                relax(&free, input: input, drive0: drives[0], beta: -beta, target: label, hold: false)
                relax(&nudged, input: input, drive0: drives[0], beta: beta, target: label, hold: false)
            }
            frees.append(free)
            nudgeds.append(nudged)
        }
        // Eq. 15, centered nudging: s = 1/(2β·B); W_l += η·s·Σ_b pre ⊗ (V¹ − V⁰).
        let scale = 1 / (2 * Double(config.beta) * Double(images.count))
        for l in 0...last {
            let g = layers[l].geometry
            let rate = Double(l == last ? config.lr2 : config.hiddenLearningRate(layer: l)) * scale
            var weights = layers[l].weights
            var bias = layers[l].bias
            for b in images.indices {
                let pre = l == 0 ? images[b] : frees[b][l - 1]
                let post = zip(nudgeds[b][l], frees[b][l]).map { $0 - $1 }
                for t in Self.taps(g) {
                    for i in 0..<g.inputChannels {
                        for c in 0..<g.outputChannels {
                            weights[Self.weightIndex(g, t.oy, t.ox, t.ky, t.kx, i, c)] +=
                                rate * pre[(t.iy * g.inputColumns + t.ix) * g.inputChannels + i]
                                * post[(t.oy * g.outputColumns + t.ox) * g.outputChannels + c]
                        }
                    }
                }
                for position in 0..<(g.outputRows * g.outputColumns) {
                    for c in 0..<g.outputChannels {
                        bias[(layers[l].perPosition ? position * g.outputChannels : 0) + c] +=
                            rate * post[position * g.outputChannels + c]
                    }
                }
            }
            layers[l].weights = weights
            layers[l].bias = bias
        }
    }
}
