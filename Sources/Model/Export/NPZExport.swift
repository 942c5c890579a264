/// `ptrain export --format npz`: the network as a NumPy `.npz` archive (a zip of `.npy` files, what
/// `numpy.savez_compressed` writes) that `numpy.load(path, allow_pickle=False)` reads:
///
/// | key | type | shape |
/// |---|---|---|
/// | `W1` | float32 | (inputs, H): `W1[i, j]` from input i to hidden neuron j |
/// | `b1` | float32 | (H,) |
/// | `W2` | float32 | (H, K): `W2[j, k]` from hidden neuron j to output k |
/// | `b2` | float32 | (K,) |
/// | `config` | `<U…` | (): the resolved configuration JSON (`config.json`'s text), `json.loads(str(z["config"]))` |
///
/// The forward pass of the spec (Eq. 5) in these terms is I_h(t) = s_x(t) @ W1 + b1, I_y(t) = s_h(t) @ W2 + b2.
public enum NPZExport {
    /// The archive's entries, in the table's order.
    public static func archive(_ network: ExportedNetwork) -> ZipArchive {
        ZipArchive(entries: [
            entry("W1", NPYArray(shape: [network.inputs, network.hidden], .float32(network.w1))),
            entry("b1", NPYArray(shape: [network.hidden], .float32(network.b1))),
            entry("W2", NPYArray(shape: [network.hidden, network.outputs], .float32(network.w2))),
            entry("b2", NPYArray(shape: [network.outputs], .float32(network.b2))),
            entry("config", .scalar(network.config.jsonText())),
        ])
    }

    /// A layered network (issue #15), in the layouts of `ExportedLayers` (PyTorch's):
    ///
    /// | key | type | shape |
    /// |---|---|---|
    /// | `input_shape` | int32 | (3,) (C, H, W) of image samples, (1,) (n) of vectors |
    /// | `layer<i>_weight` | float32 | conv (C_out, C_in, k, k); local (C_out, H_out, W_out, C_in, k, k); fc and the output layer (units, inputs C-major) |
    /// | `layer<i>_bias` | float32 | conv (C_out,); local (C_out, H_out, W_out); fc (units,) |
    /// | `config` | `<U…` | (): the configuration JSON, its `layers` list the types, kernels, strides and paddings |
    ///
    /// Layers are numbered from 0, the output layer last (i = number of hidden layers).
    public static func archive(_ network: ExportedLayers) -> ZipArchive {
        var entries = [
            entry(
                "input_shape", NPYArray(shape: [network.inputShape.count], .int32(network.inputShape.map(Int32.init))))
        ]
        for (i, layer) in network.layers.enumerated() {
            entries.append(entry("layer\(i)_weight", NPYArray(shape: layer.weightShape, .float32(layer.weight))))
            entries.append(entry("layer\(i)_bias", NPYArray(shape: layer.biasShape, .float32(layer.bias))))
        }
        entries.append(entry("config", .scalar(network.config.jsonText())))
        return ZipArchive(entries: entries)
    }

    /// The `.npy` member `key` of an archive (`key.npy`, the name `numpy.load` strips back to `key`).
    public static func entry(_ key: String, _ array: NPYArray) -> ZipArchive.Entry {
        ZipArchive.Entry(name: key + ".npy", bytes: array.encoded())
    }
}
