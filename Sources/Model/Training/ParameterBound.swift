import Parallel

/// The divergence criterion for parameters that stay finite: a weight or bias whose magnitude passes
/// `ParameterBound.limit`. Learning rates far too large (`--lr2 1e6`) drive W2 to ~1e19 without ever reaching
/// infinity, and such a run would otherwise finish "successfully" predicting one class for everything.
///
/// Parameters start below 1 in magnitude and a normal run keeps them of that order (`ParameterBoundTests`
/// checks a trained network's largest); 10^6 is far above that and far below where Float arithmetic stops
/// meaning anything. The check reads the parameters and never writes them, so it changes no bit of a run that
/// stays within the bound.
public enum ParameterBound {
    /// The largest magnitude a parameter may have after an update: 10^6.
    public static let limit: Float = 1e6

    /// The index of the first of `count` floats whose magnitude is above `limit` or that is NaN, or nil.
    ///
    /// Eight lanes at a time with a mask (NaN fails both comparisons, ±∞ fails one), then the scalar tail;
    /// the index is looked for only when a block has failed, which ends training.
    public static func firstViolation(_ values: UnsafePointer<Float>, count: Int) -> Int? {
        Kernels.firstOutside(values, count: count, bound: limit)
    }
}

/// A parameter of one shard found outside `ParameterBound.limit` (or NaN) after an update.
struct ParameterViolation: Equatable, Sendable {
    enum Parameter: Int, Equatable, Sendable {
        case hiddenDrive = 0
        case hiddenBias, outputWeight, outputBias

        /// How messages name it.
        var name: String {
            switch self {
            case .hiddenDrive: return "hidden feed-forward drive"
            case .hiddenBias: return "b1 bias"
            case .outputWeight: return "W2 weight"
            case .outputBias: return "b2 bias"
            }
        }
    }

    let parameter: Parameter
    /// The drive: the sample (its position in the batch, until `error(samples:)`); W2 and b2: the output; b1: 0.
    let row: Int
    /// The hidden neuron (global index); b2: 0.
    let neuron: Int
    let value: Float

    /// Where the value sits, for messages: "input 300, hidden neuron 17".
    var location: String {
        switch parameter {
        case .hiddenDrive: return "hidden neuron \(neuron), sample \(row)"
        case .hiddenBias: return "hidden neuron \(neuron)"
        case .outputWeight: return "hidden neuron \(neuron), output \(row)"
        case .outputBias: return "output \(row)"
        }
    }

    /// The error that stops training: `.exceeded` for a finite value, `.diverged` for NaN or ±∞. `samples` are
    /// the batch's samples, to name a drive's sample by its index in the data set.
    func error(samples: [Int]) -> TrainingError {
        var named = self
        if parameter == .hiddenDrive && samples.indices.contains(row) {
            named = ParameterViolation(parameter: parameter, row: samples[row], neuron: neuron, value: value)
        }
        return value.isFinite
            ? .exceeded(quantity: parameter.name, value: value, location: named.location)
            : .diverged(quantity: "\(parameter.name) at \(named.location)")
    }

    /// The violation packed into three integers, for the all-reduce that tells every rank of a group about it.
    var packed: [Int64] { [Int64(parameter.rawValue) << 32 | Int64(row), Int64(neuron), Int64(value.bitPattern)] }

    init(parameter: Parameter, row: Int, neuron: Int, value: Float) {
        self.parameter = parameter
        self.row = row
        self.neuron = neuron
        self.value = value
    }

    /// Unpacks `packed`.
    init(packed: [Int64]) {
        precondition(packed.count == 3, "a packed violation is three integers")
        parameter = Parameter(rawValue: Int(packed[0] >> 32)) ?? .hiddenDrive
        row = Int(packed[0] & 0xffff_ffff)
        neuron = Int(packed[1])
        value = Float(bitPattern: UInt32(truncatingIfNeeded: packed[2]))
    }
}

/// `value` in short scientific notation for messages: 3.2e19, -1.5e7, 1e6.
func scientific(_ value: Float) -> String {
    guard value.isFinite else { return value.description }
    var mantissa = Double(value.magnitude)
    var exponent = 0
    if mantissa > 0 {
        while mantissa >= 10 {
            mantissa /= 10
            exponent += 1
        }
        while mantissa < 1 {
            mantissa *= 10
            exponent -= 1
        }
    }
    mantissa = (mantissa * 10).rounded() / 10
    if mantissa >= 10 {
        mantissa /= 10
        exponent += 1
    }
    let tenths = Int((mantissa * 10).rounded())
    let digits = tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    return (value < 0 ? "-" : "") + digits + "e\(exponent)"
}
