#!/usr/bin/env python3
"""Checks a `ptrain export` against the checkpoint it came from, with the readers other programs use.

    check_export.py --checkpoint CKPT|WEIGHTS --npz NET.npz --nir NET.nir [--spikes SPIKES.npz] [--require-all]

1. numpy.load(NET.npz, allow_pickle=False): exactly W1, b1, W2, b2 (float32, the checkpoint's WGHT section bit
   for bit) and config (the checkpoint's CONF section, the resolved configuration JSON).
2. h5py: every dataset of NET.nir read back with the type, shape and value the NIR layout asks for (weights bit
   for bit, W1 and W2 transposed), and no dataset or group that NIR does not know inside a node.
3. nir.read(NET.nir): the graph NIR itself builds from the file, its nodes, edges and metadata.
4. With --spikes (written by `ptrain export --spikes`): the graph that nir.read returned, simulated in numpy with
   ptrain's discrete-time semantics from its metadata (v = leak*v + I; spike where v >= threshold; then reset by
   subtraction), fed the input spike trains ptrain used, for every recorded image; prints how many images give
   ptrain's output (and hidden) spike counts exactly, in float32 and in float64 arithmetic, and, for comparison,
   how many match when the neurons reset to zero as NIR's IF says. --require-all fails the check unless the
   float64 simulation with reset by subtraction matches every image.

Prints one line per check; exits 1 at the first failure, naming it.
"""
import argparse
import json
import struct
import sys

import h5py
import nir
import numpy as np


class CheckFailed(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


def read_checkpoint(path):
    """The configuration JSON and the canonical weights of a PTRAINCK checkpoint (docs/checkpoint-format.md) or
    of a PTRW weights file (Sources/Model/Persistence/WeightsFile.swift: `averaged.bin` holds a run's average)."""
    data = open(path, "rb").read()
    if data[:4] == b"PTRW":
        _, inputs, hidden, outputs, length = struct.unpack_from("<5I", data, 4)
        sections = {"CONF": data[24:24 + length], "WGHT": data[24 + length:-4]}
    else:
        require(data[:8] == b"PTRAINCK", f"{path}: not a ptrain checkpoint or weights file")
        header_length, inputs, hidden, outputs = struct.unpack_from("<4I", data, 12)
        (count,) = struct.unpack_from("<I", data, 40)
        sections, offset = {}, header_length
        for _ in range(count):
            tag = data[offset:offset + 4].decode("ascii")
            (length,) = struct.unpack_from("<Q", data, offset + 4)
            sections[tag] = data[offset + 12:offset + 12 + length]
            offset += 16 + length
    weights = np.frombuffer(sections["WGHT"], dtype="<f4")
    sizes = [inputs * hidden, hidden, hidden * outputs, outputs]
    parts = np.split(weights, np.cumsum(sizes)[:-1])
    return {
        "config": sections["CONF"].decode("utf-8"),
        "W1": parts[0].reshape(inputs, hidden),
        "b1": parts[1],
        "W2": parts[2].reshape(hidden, outputs),
        "b2": parts[3],
    }


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a.view(np.uint32), b.view(np.uint32))


def check_npz(path, reference):
    with np.load(path, allow_pickle=False) as archive:
        require(sorted(archive.files) == ["W1", "W2", "b1", "b2", "config"], f"{path}: keys {archive.files}")
        for key in ["W1", "b1", "W2", "b2"]:
            array = archive[key]
            require(array.dtype == np.float32, f"{path}: {key} is {array.dtype}, not float32")
            require(same_bits(array, reference[key]), f"{path}: {key} differs from the checkpoint's weights")
        config = archive["config"]
        require(config.shape == () and config.dtype.kind == "U", f"{path}: config is {config.dtype} {config.shape}")
        require(str(config) == reference["config"], f"{path}: config differs from the checkpoint's CONF")
        json.loads(str(config))
        shapes = ", ".join(f"{k} {archive[k].shape}" for k in ["W1", "b1", "W2", "b2"])
    print(f"npz: numpy.load(allow_pickle=False) reads {shapes} float32, equal to the checkpoint bit for bit; "
          "config is the checkpoint's JSON")


def check_hdf5(path, reference):
    config = json.loads(reference["config"])
    inputs, hidden = reference["W1"].shape
    outputs = reference["b2"].shape[0]
    theta = np.float32(config["theta"])
    leaky = config.get("tauM") is not None
    neuron = "LIF" if leaky else "IF"
    neuron_keys = {"type", "tau", "r", "v_leak", "v_threshold"} if leaky else {"type", "r", "v_threshold"}
    expected = {
        "input": {"type"}, "fc1": {"type", "weight", "bias"}, "hidden": neuron_keys,
        "fc2": {"type", "weight", "bias"}, "out": neuron_keys, "output": {"type"},
    }
    expected["input"].add("shape")
    expected["output"].add("shape")
    datasets = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, item: datasets.append(name) if isinstance(item, h5py.Dataset) else None)
        require(set(f.keys()) == {"version", "node"}, f"{path}: root holds {sorted(f.keys())}")
        require(f["version"][()] == b"1.0.4", f"{path}: version {f['version'][()]!r}")
        graph = f["node"]
        require(set(graph.keys()) == {"type", "nodes", "edges", "metadata"}, f"{path}: node holds {list(graph)}")
        require(graph["type"][()] == b"NIRGraph", f"{path}: node/type {graph['type'][()]!r}")
        nodes = graph["nodes"]
        require(set(nodes.keys()) == set(expected), f"{path}: nodes {sorted(nodes.keys())}")
        for name, keys in expected.items():
            require(set(nodes[name].keys()) == keys, f"{path}: node {name} holds {sorted(nodes[name].keys())}")
            require(all(isinstance(nodes[name][k], h5py.Dataset) for k in keys), f"{path}: {name} has a group")
        types = {"input": b"Input", "fc1": b"Affine", "hidden": neuron.encode(), "fc2": b"Affine",
                 "out": neuron.encode(), "output": b"Output"}
        for name, value in types.items():
            require(nodes[name]["type"][()] == value, f"{path}: {name}/type {nodes[name]['type'][()]!r}")
        require(list(nodes["input"]["shape"][()]) == [inputs] and nodes["input"]["shape"].dtype == np.int64,
                f"{path}: input/shape")
        require(list(nodes["output"]["shape"][()]) == [outputs], f"{path}: output/shape")
        require(same_bits(nodes["fc1"]["weight"][()], reference["W1"].T.copy()), f"{path}: fc1/weight is not W1ᵀ")
        require(same_bits(nodes["fc1"]["bias"][()], reference["b1"]), f"{path}: fc1/bias is not b1")
        require(same_bits(nodes["fc2"]["weight"][()], reference["W2"].T.copy()), f"{path}: fc2/weight is not W2ᵀ")
        require(same_bits(nodes["fc2"]["bias"][()], reference["b2"]), f"{path}: fc2/bias is not b2")
        for name, size in [("hidden", hidden), ("out", outputs)]:
            group = nodes[name]
            require(np.array_equal(group["v_threshold"][()], np.full(size, theta, np.float32)),
                    f"{path}: {name}/v_threshold")
            if leaky:
                tau = group["tau"][()]
                require(np.array_equal(group["r"][()], tau), f"{path}: {name}/r is not tau")
                require(np.all(group["v_leak"][()] == 0), f"{path}: {name}/v_leak")
            else:
                require(np.array_equal(group["r"][()], np.ones(size, np.float32)), f"{path}: {name}/r")
        edges = [tuple(e.decode() for e in row) for row in graph["edges"][()]]
        require(edges == [("input", "fc1"), ("fc1", "hidden"), ("hidden", "fc2"), ("fc2", "out"),
                          ("out", "output")], f"{path}: edges {edges}")
        metadata = graph["metadata"]
        require(metadata["config"][()].decode() == reference["config"], f"{path}: metadata/config")
        require(metadata["time_steps"][()] == config["timeSteps"], f"{path}: metadata/time_steps")
        require(metadata["dt"][()] == 1.0, f"{path}: metadata/dt")
        require(metadata["reset_mode"][()] == config.get("reset", "subtract").encode(), f"{path}: metadata/reset_mode")
        require(metadata["threshold_comparison"][()] == b">=", f"{path}: metadata/threshold_comparison")
        for key in ["producer", "ptrain_version", "encoding", "readout", "update", "leak"]:
            require(key in metadata, f"{path}: metadata/{key} missing")
        for name in datasets:
            f[name][()]  # every dataset reads
    print(f"h5py: {len(datasets)} datasets read; version 1.0.4, NIRGraph of {len(expected)} nodes "
          f"({neuron} neurons, no v_reset), weights W1ᵀ/W2ᵀ bit for bit, metadata as expected")


def check_nir(path, reference):
    graph = nir.read(path)
    require(isinstance(graph, nir.NIRGraph), f"{path}: nir.read gave {type(graph)}")
    names = {name: type(node).__name__ for name, node in graph.nodes.items()}
    require(same_bits(graph.nodes["fc1"].weight, reference["W1"].T.copy()), f"{path}: nir fc1.weight")
    require(same_bits(graph.nodes["fc2"].weight, reference["W2"].T.copy()), f"{path}: nir fc2.weight")
    require(same_bits(graph.nodes["fc1"].bias, reference["b1"]), f"{path}: nir fc1.bias")
    require(same_bits(graph.nodes["fc2"].bias, reference["b2"]), f"{path}: nir fc2.bias")
    order = ", ".join(f"{a}→{b}" for a, b in graph.edges)
    print(f"nir.read (nir {getattr(nir, '__version__', '?')}): NIRGraph nodes {names}; edges {order}; "
          f"metadata keys {sorted(graph.metadata)}")
    return graph


def simulate(graph, input_spikes, dtype, reset_to_zero=None):
    """ptrain's discrete-time semantics (graph metadata 'update'), on the weights of the graph nir.read built;
    the reset is the metadata's reset_mode unless reset_to_zero says otherwise (True: NIR's own reset,
    v = v_reset = 0 after a spike)."""
    metadata = graph.metadata
    steps = int(metadata["time_steps"])
    mode = str(metadata["reset_mode"])
    require(mode in ("subtract", "zero") and str(metadata["threshold_comparison"]) == ">=",
            "the simulation implements reset by subtraction or to zero and v >= threshold only")
    if reset_to_zero is None:
        reset_to_zero = mode == "zero"
    leak = dtype(metadata["leak"])
    layers = []
    for affine, neuron in [("fc1", "hidden"), ("fc2", "out")]:
        a, n = graph.nodes[affine], graph.nodes[neuron]
        if isinstance(n, nir.LIF):
            # Forward Euler with dt = 1 of tau*v' = (v_leak - v) + r*I: v <- (1 - 1/tau)*v + (r/tau)*I.
            decay, gain = (1 - 1 / n.tau).astype(dtype), (n.r / n.tau).astype(dtype)
        else:
            decay, gain = np.ones_like(n.r, dtype=dtype), n.r.astype(dtype)
        require(leak == 1 or np.allclose(decay, leak), "LIF tau does not give the metadata's leak")
        layers.append((a.weight.astype(dtype), a.bias.astype(dtype), decay, gain, n.v_threshold.astype(dtype)))
    images = input_spikes.shape[0]
    require(input_spikes.shape[1] == steps, f"spike trains of {input_spikes.shape[1]} steps, the graph runs {steps}")
    counts = [np.zeros((images, layer[0].shape[0]), np.int64) for layer in layers]
    potentials = [np.zeros((images, layer[0].shape[0]), dtype) for layer in layers]
    for t in range(steps):
        spikes = input_spikes[:, t, :].astype(dtype)
        for index, (weight, bias, decay, gain, threshold) in enumerate(layers):
            current = spikes @ weight.T + bias
            v = decay * potentials[index] + gain * current if leak != 1 else potentials[index] + gain * current
            fired = v >= threshold
            potentials[index] = np.where(fired, 0 if reset_to_zero else v - threshold, v)
            counts[index] += fired
            spikes = fired.astype(dtype)
    return counts


def check_simulation(graph, path, require_all):
    with np.load(path, allow_pickle=False) as recording:
        input_spikes = recording["input_spikes"]
        hidden_counts, output_counts = recording["hidden_counts"], recording["output_counts"]
        predictions, labels = recording["predictions"], recording["labels"]
    images = input_spikes.shape[0]
    results = {}
    for dtype in (np.float32, np.float64):
        hidden, output = simulate(graph, input_spikes, dtype)
        same_output = int(np.sum(np.all(output == output_counts, axis=1)))
        same_hidden = int(np.sum(np.all(hidden == hidden_counts, axis=1)))
        classes = int(np.sum(np.argmax(output, axis=1) == np.argmax(output_counts, axis=1)))
        results[dtype] = same_output
        print(f"simulation ({np.dtype(dtype).name}): {same_output} of {images} images give ptrain's output spike "
              f"counts exactly, {same_hidden} of {images} its hidden spike counts; argmax of the counts equal for "
              f"{classes}; neurons differing: output {int(np.sum(output != output_counts))} of {output.size}, "
              f"hidden {int(np.sum(hidden != hidden_counts))} of {hidden.size}")
    _, output = simulate(graph, input_spikes, np.float64, reset_to_zero=True)
    same_output = int(np.sum(np.all(output == output_counts, axis=1)))
    print(f"simulation with NIR's reset to v_reset = 0 instead (float64): {same_output} of {images} images give "
          f"ptrain's output spike counts; output neurons differing: {int(np.sum(output != output_counts))} of "
          f"{output.size}")
    correct = int(np.sum(predictions == labels))
    print(f"ptrain's spike readout on these images: {correct} of {images} correct")
    if require_all:
        require(results[np.float64] == images, "the float64 simulation does not reproduce every image's counts")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--npz", required=True)
    parser.add_argument("--nir", required=True)
    parser.add_argument("--spikes")
    parser.add_argument("--require-all", action="store_true")
    arguments = parser.parse_args()
    try:
        reference = read_checkpoint(arguments.checkpoint)
        check_npz(arguments.npz, reference)
        check_hdf5(arguments.nir, reference)
        graph = check_nir(arguments.nir, reference)
        if arguments.spikes:
            check_simulation(graph, arguments.spikes, arguments.require_all)
    except CheckFailed as failure:
        print(f"check failed: {failure}", file=sys.stderr)
        return 1
    print("export check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
