import Foundation

/// Why a layer list (issue #15's `layers`) cannot describe a network. Every case names the layer by its index in
/// the list (0 = the first after the input) and, where there is one, the key; `description` is one line.
public enum LayerError: Error, Equatable, CustomStringConvertible {
    /// A layer is not a JSON object.
    case notAnObject(layer: Int)
    /// `type` is none of `fc`, `local`, `conv` (`suggestion`: the closest, for a typo).
    case unknownType(layer: Int, type: String, suggestion: String?)
    /// A key the layer's type needs is absent.
    case missingKey(layer: Int, type: String, key: String)
    /// A key the layer's type does not have.
    case unknownKey(layer: Int, type: String, key: String, suggestion: String?)
    /// A value that is not an integer in `allowed`.
    case badValue(layer: Int, key: String, value: String, allowed: String)
    /// The kernel does not fit the (padded) input of the layer.
    case kernelLargerThanInput(layer: Int, kernel: Int, rows: Int, columns: Int, padding: Int)
    /// A `local` or `conv` layer after a layer whose output is a vector (an `fc` layer).
    case needsImageInput(layer: Int, type: String, previous: Int)
    /// The list is empty.
    case empty
    /// The network's parameters and one batch's activations would need `bytes`, more than `available`.
    case tooLarge(bytes: Int, available: Int, largestLayer: Int, largestBytes: Int)

    public var description: String {
        switch self {
        case .notAnObject(let layer):
            return "layer \(layer): not an object (write {\"type\": \"conv\", …})"
        case .unknownType(let layer, let type, let suggestion):
            let hint = suggestion.map { ". Did you mean '\($0)'?" } ?? " (known: fc, local, conv)"
            return "layer \(layer): unknown type '\(type)'\(hint)"
        case .missingKey(let layer, let type, let key):
            return "layer \(layer) (\(type)): missing key '\(key)'"
        case .unknownKey(let layer, let type, let key, let suggestion):
            let hint = suggestion.map { " Did you mean '\($0)'?" } ?? ""
            return "layer \(layer) (\(type)): unknown key '\(key)'.\(hint)"
        case .badValue(let layer, let key, let value, let allowed):
            return "layer \(layer): key '\(key)' = \(value) is out of range (allowed: \(allowed))"
        case .kernelLargerThanInput(let layer, let kernel, let rows, let columns, let padding):
            return "layer \(layer): key 'kernel' = \(kernel) is larger than its \(rows)×\(columns) input"
                + (padding > 0 ? " padded by \(padding)" : "")
        case .needsImageInput(let layer, let type, let previous):
            return "layer \(layer) (\(type)): needs an image input, but layer \(previous) (fc) gives a vector"
        case .empty:
            return "layers: the list is empty (give at least one layer, or use 'hidden')"
        case .tooLarge(let bytes, let available, let largestLayer, let largestBytes):
            let largest = "layer \(largestLayer) alone \(gibibytes(largestBytes))"
            return "layers: the network needs \(gibibytes(bytes)) (\(largest)), more than the "
                + "\(gibibytes(available)) of memory this machine has"
        }
    }
}

/// `1.25 GiB`, `512.0 MiB`: sizes as the messages print them.
func gibibytes(_ bytes: Int) -> String {
    bytes >= 1 << 30
        ? String(format: "%.2f GiB", Double(bytes) / Double(1 << 30))
        : String(format: "%.1f MiB", Double(bytes) / Double(1 << 20))
}
