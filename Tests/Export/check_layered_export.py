#!/usr/bin/env python3
"""Checks a `ptrain export` of a layered network (issue #15) with the readers other programs use.

    check_layered_export.py --npz NET.npz --nir NET.nir --spikes SPIKES.npz [--require N]

1. numpy.load(NET.npz, allow_pickle=False): exactly input_shape, layer<i>_weight, layer<i>_bias (float32) and config
   (the configuration JSON, whose `layers` list gives every layer's type, kernel, stride and padding), each weight of
   the shape its layer type has (conv (C_out, C_in, k, k), local (C_out, H_out, W_out, C_in, k, k), fc (units, n)).
2. h5py: NET.nir holds the graph of docs/export.md ("Layered networks"): input, then per layer Conv2d (conv) or
   Flatten + Affine (fc, local: the kernels placed in a dense matrix) and IF/LIF neurons of the layer's shape, then
   output, in one chain; every weight equal to the npz's bit for bit (a local layer's dense matrix rebuilt here).
3. nir.read(NET.nir): the graph NIR itself builds (with its type check of every edge's shapes).
4. The graph nir.read returned, simulated in numpy with ptrain's discrete-time semantics from its metadata
   (v = leak*v + I; spike where v >= threshold; reset by subtraction or to zero), fed the input spike trains ptrain
   used (SPIKES.npz, `ptrain export --spikes`): how many images give ptrain's output and hidden spike counts exactly,
   in float32 and float64. --require N fails unless at least N images match in float64.

Prints one line per check; exits 1 at the first failure, naming it.
"""
import argparse
import json
import sys

import h5py
import nir
import numpy as np


class CheckFailed(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a.view(np.uint32), b.view(np.uint32))


def read_npz(path):
    with np.load(path, allow_pickle=False) as archive:
        files = set(archive.files)
        config = json.loads(str(archive["config"]))
        layers = config["layers"] + [{"type": "fc", "units": None}]
        expected = {"input_shape", "config"} | {f"layer{i}_{p}" for i in range(len(layers)) for p in ("weight", "bias")}
        require(files == expected, f"{path}: keys {sorted(files)}, expected {sorted(expected)}")
        arrays = {key: archive[key] for key in files if key != "config"}
    for i, layer in enumerate(layers):
        weight, bias = arrays[f"layer{i}_weight"], arrays[f"layer{i}_bias"]
        require(weight.dtype == np.float32 and bias.dtype == np.float32, f"{path}: layer {i} is not float32")
        rank = {"conv": 4, "local": 6, "fc": 2}[layer["type"]]
        require(weight.ndim == rank, f"{path}: layer{i}_weight has shape {weight.shape} for a {layer['type']} layer")
        if layer["type"] == "conv":
            require(weight.shape[2:] == (layer["kernel"], layer["kernel"]) and bias.shape == (weight.shape[0],),
                    f"{path}: layer {i} shapes {weight.shape}, {bias.shape}")
    shapes = ", ".join(f"{layers[i]['type']} {arrays[f'layer{i}_weight'].shape}" for i in range(len(layers)))
    print(f"npz: numpy.load(allow_pickle=False) reads input_shape {tuple(int(v) for v in arrays['input_shape'])} and {shapes}, float32, "
          "and the configuration JSON")
    return config, layers, arrays


def dense_local(weight, bias, input_shape, stride, padding):
    """A local layer's kernels placed at their receptive fields: (C_out·H_out·W_out) × (C_in·H·W), C-major."""
    c_out, h_out, w_out, c_in, kernel, _ = weight.shape
    _, h_in, w_in = input_shape
    dense = np.zeros((c_out, h_out, w_out, c_in, h_in, w_in), np.float32)
    for oy in range(h_out):
        for ox in range(w_out):
            for ky in range(kernel):
                for kx in range(kernel):
                    y, x = oy * stride + ky - padding, ox * stride + kx - padding
                    if 0 <= y < h_in and 0 <= x < w_in:
                        dense[:, oy, ox, :, y, x] = weight[:, oy, ox, :, ky, kx]
    return dense.reshape(c_out * h_out * w_out, c_in * h_in * w_in), bias.reshape(-1)


def expected_graph(config, layers, arrays):
    """The node names of the chain and, per synapse node, the weights it must hold (from the npz)."""
    shape = [int(v) for v in arrays["input_shape"]]
    names, weights = ["input"], {}
    for i, layer in enumerate(layers):
        weight, bias = arrays[f"layer{i}_weight"], arrays[f"layer{i}_bias"]
        if layer["type"] == "conv":
            names.append(f"conv{i}")
            weights[f"conv{i}"] = (weight, bias)
            k, s, p = layer["kernel"], layer.get("stride", 1), layer.get("padding", 0)
            shape = [weight.shape[0], (shape[1] + 2 * p - k) // s + 1, (shape[2] + 2 * p - k) // s + 1]
        else:
            if len(shape) == 3:
                names.append(f"flatten{i}")
            if layer["type"] == "local":
                weights[f"fc{i}"] = dense_local(weight, bias, shape, layer.get("stride", 1), layer.get("padding", 0))
            else:
                weights[f"fc{i}"] = (weight, bias)
            names.append(f"fc{i}")
            shape = [weights[f"fc{i}"][0].shape[0]]
        names.append(f"neurons{i}")
    names.append("output")
    return names, weights


def check_hdf5(path, config, names, weights):
    with h5py.File(path, "r") as f:
        require(set(f.keys()) == {"version", "node"}, f"{path}: root holds {sorted(f.keys())}")
        require(f["version"][()] == b"1.0.4", f"{path}: version {f['version'][()]!r}")
        graph = f["node"]
        nodes = graph["nodes"]
        require(set(nodes.keys()) == set(names), f"{path}: nodes {sorted(nodes.keys())}, expected {sorted(names)}")
        edges = [tuple(e.decode() for e in row) for row in graph["edges"][()]]
        require(edges == list(zip(names, names[1:])), f"{path}: edges {edges}")
        for name, (weight, bias) in weights.items():
            require(same_bits(nodes[name]["weight"][()], weight), f"{path}: {name}/weight differs from the npz")
            require(same_bits(nodes[name]["bias"][()], bias), f"{path}: {name}/bias differs from the npz")
        theta = np.float32(config["theta"])
        for name in names:
            if name.startswith("neurons"):
                threshold = nodes[name]["v_threshold"][()]
                require(np.all(threshold == theta), f"{path}: {name}/v_threshold")
        require(graph["metadata"]["threshold_comparison"][()] == b">=", f"{path}: metadata/threshold_comparison")
    types = sorted({n.rstrip("0123456789") for n in names})
    print(f"h5py: version 1.0.4, NIRGraph chain {' → '.join(names)}; node kinds {types}; every weight equal to the "
          "npz's bit for bit")


def check_nir(path, weights):
    graph = nir.read(path)
    require(isinstance(graph, nir.NIRGraph), f"{path}: nir.read gave {type(graph)}")
    for name, (weight, bias) in weights.items():
        require(same_bits(graph.nodes[name].weight, weight), f"{path}: nir {name}.weight")
        require(same_bits(graph.nodes[name].bias, bias), f"{path}: nir {name}.bias")
    kinds = {name: type(node).__name__ for name, node in graph.nodes.items()}
    print(f"nir.read (nir {getattr(nir, '__version__', '?')}): nodes {kinds}")
    return graph


def conv2d(x, weight, bias, stride, padding):
    """x (N, C_in, H, W) → (N, C_out, H_out, W_out), PyTorch's Conv2d (cross-correlation)."""
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    sy, sx = int(stride[0]), int(stride[1])
    py, px = int(padding[0]), int(padding[1])
    padded = np.zeros((n, c_in, h + 2 * py, w + 2 * px), x.dtype)
    padded[:, :, py:py + h, px:px + w] = x
    h_out, w_out = (h + 2 * py - kh) // sy + 1, (w + 2 * px - kw) // sx + 1
    out = np.zeros((n, c_out, h_out, w_out), x.dtype)
    for ky in range(kh):
        for kx in range(kw):
            patch = padded[:, :, ky:ky + sy * (h_out - 1) + 1:sy, kx:kx + sx * (w_out - 1) + 1:sx]
            out += np.einsum("nchw,oc->nohw", patch, weight[:, :, ky, kx])
    return out + bias.reshape(1, -1, 1, 1)


def simulate(graph, names, input_spikes, dtype):
    metadata = graph.metadata
    steps = int(metadata["time_steps"])
    reset_to_zero = str(metadata["reset_mode"]) == "zero"
    leak = dtype(metadata["leak"])
    images = input_spikes.shape[0]
    potentials, counts = {}, {}
    for t in range(steps):
        x = input_spikes[:, t].astype(dtype)
        for name in names[1:-1]:
            node = graph.nodes[name]
            if isinstance(node, nir.Conv2d):
                x = conv2d(x, node.weight.astype(dtype), node.bias.astype(dtype), node.stride, node.padding)
            elif isinstance(node, nir.Flatten):
                x = x.reshape(images, -1)
            elif isinstance(node, nir.Affine):
                x = x @ node.weight.astype(dtype).T + node.bias.astype(dtype)
            else:
                if isinstance(node, nir.LIF):
                    decay, gain = (1 - 1 / node.tau).astype(dtype), (node.r / node.tau).astype(dtype)
                    v = decay * potentials.get(name, 0) + gain * x
                else:
                    v = potentials.get(name, 0) + node.r.astype(dtype) * x
                threshold = node.v_threshold.astype(dtype)
                fired = v >= threshold
                potentials[name] = np.where(fired, 0 if reset_to_zero else v - threshold, v)
                counts[name] = counts.get(name, 0) + fired.astype(np.int64)
                x = fired.astype(dtype)
    neuron_names = [n for n in names if n.startswith("neurons")]
    hidden = np.concatenate([counts[n].reshape(images, -1) for n in neuron_names[:-1]], axis=1)
    return hidden, counts[neuron_names[-1]].reshape(images, -1)


def check_simulation(graph, names, path, required):
    with np.load(path, allow_pickle=False) as recording:
        input_spikes = recording["input_spikes"]
        hidden_counts, output_counts = recording["hidden_counts"], recording["output_counts"]
        predictions, labels = recording["predictions"], recording["labels"]
    images = input_spikes.shape[0]
    same = {}
    for dtype in (np.float32, np.float64):
        hidden, output = simulate(graph, names, input_spikes, dtype)
        require(hidden.shape == hidden_counts.shape, f"simulated hidden counts {hidden.shape}, ptrain's "
                f"{hidden_counts.shape}")
        same_output = int(np.sum(np.all(output == output_counts, axis=1)))
        same_hidden = int(np.sum(np.all(hidden == hidden_counts, axis=1)))
        classes = int(np.sum(np.argmax(output, axis=1) == np.argmax(output_counts, axis=1)))
        same[dtype] = same_output
        print(f"simulation ({np.dtype(dtype).name}): {same_output} of {images} images give ptrain's output spike "
              f"counts exactly, {same_hidden} of {images} its hidden spike counts; argmax of the counts equal for "
              f"{classes}; neurons differing: output {int(np.sum(output != output_counts))} of {output.size}, "
              f"hidden {int(np.sum(hidden != hidden_counts))} of {hidden.size}")
    print(f"ptrain's spike readout on these images: {int(np.sum(predictions == labels))} of {images} correct")
    if required is not None:
        require(same[np.float64] >= required, f"the float64 simulation reproduces {same[np.float64]} images' counts, "
                f"fewer than {required}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--npz", required=True)
    parser.add_argument("--nir", required=True)
    parser.add_argument("--spikes", required=True)
    parser.add_argument("--require", type=int)
    arguments = parser.parse_args()
    try:
        config, layers, arrays = read_npz(arguments.npz)
        names, weights = expected_graph(config, layers, arrays)
        check_hdf5(arguments.nir, config, names, weights)
        graph = check_nir(arguments.nir, weights)
        check_simulation(graph, names, arguments.spikes, arguments.require)
    except CheckFailed as failure:
        print(f"check failed: {failure}", file=sys.stderr)
        return 1
    print("layered export check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
