import Foundation
import Model
import Testing

/// Layer lists (issue #15's `layers`): shapes and parameter counts that chain, and one exact error per bad
/// specification, naming the layer's index and key; a network too large for memory is refused before anything
/// is allocated, saying how large.
@Suite("layer specifications")
struct LayerStackTests {
    static let mnist = ActivationShape(rows: 28, columns: 28, channels: 1)

    static func stack(_ json: String, input: ActivationShape = mnist) throws(LayerError) -> LayerStack {
        try LayerStack.parse(Data(json.utf8), input: input, outputs: 10)
    }

    static func error(_ json: String) -> String? {
        do {
            _ = try stack(json)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func shapesAndParametersChain() throws {
        let layers = try Self.stack(
            """
            [{"type": "conv", "channels": 16, "kernel": 5, "padding": 2},
             {"type": "local", "channels": 8, "kernel": 4, "stride": 2},
             {"type": "fc", "units": 100}]
            """)
        #expect(
            layers.layers == [
                .convolution(channels: 16, kernel: 5, stride: 1, padding: 2),
                .locallyConnected(channels: 8, kernel: 4, stride: 2, padding: 0), .fullyConnected(units: 100),
            ])
        #expect(layers.shapes.map(\.description) == ["28×28×16", "13×13×8", "100"])
        // conv: 5·5·1·16 weights + 16 biases; local: (4·4·16·8 + 8) at each of 13·13 positions; fc: 1352·100 + 100.
        #expect(layers.parameterCounts == [416, 2056 * 169, 1352 * 100 + 100])
        #expect(layers.outputParameters == 100 * 10 + 10)
        // Padded channels: 16 → 16, 8 → 16, 100 → 112; 5 state floats and T = 20 spikes per neuron, batch 10.
        #expect(layers.bytes(layer: 1, batch: 10, timeSteps: 20) == 4 * (2 * 2056 * 169 + 10 * 13 * 13 * 16 * 25))
    }

    @Test func badSpecificationsNameTheLayerAndTheKey() {
        #expect(
            Self.error(#"[{"type": "fc", "units": 10}, {"type": "convv", "channels": 4, "kernel": 3}]"#)
                == "layer 1: unknown type 'convv'. Did you mean 'conv'?")
        #expect(Self.error(#"[{"type": "pool"}]"#) == "layer 0: unknown type 'pool' (known: fc, local, conv)")
        #expect(
            Self.error(#"[{"type": "conv", "channels": 4, "kernel": 30}]"#)
                == "layer 0: key 'kernel' = 30 is larger than its 28×28 input")
        #expect(
            Self.error(#"[{"type": "conv", "channels": 4, "kernel": 31, "padding": 1}]"#)
                == "layer 0: key 'kernel' = 31 is larger than its 28×28 input padded by 1")
        #expect(
            Self.error(#"[{"type": "local", "channels": 4, "kernel": 3, "stride": 0}]"#)
                == "layer 0: key 'stride' = 0 is out of range (allowed: 1...1048576)")
        #expect(
            Self.error(#"[{"type": "conv", "channels": 4, "kernel": 3, "padding": 3}]"#)
                == "layer 0: key 'padding' = 3 is out of range (allowed: 0...2)")
        #expect(
            Self.error(#"[{"type": "conv", "channels": 2.5, "kernel": 3}]"#)
                == "layer 0: key 'channels' = 2.5 is out of range (allowed: 1...1048576)")
        #expect(
            Self.error(#"[{"type": "fc", "units": 50}, {"type": "conv", "channels": 4, "kernel": 3}]"#)
                == "layer 1 (conv): needs an image input, but layer 0 (fc) gives a vector")
        #expect(
            Self.error(#"[{"type": "conv", "chanels": 4, "kernel": 3}]"#)
                == "layer 0 (conv): unknown key 'chanels'. Did you mean 'channels'?")
        #expect(Self.error(#"[{"type": "fc"}]"#) == "layer 0 (fc): missing key 'units'")
        #expect(
            Self.error(#"[{"type": "fc", "units": 5}, 3]"#) == "layer 1: not an object (write {\"type\": \"conv\", …})")
        #expect(Self.error("[]") == "layers: the list is empty (give at least one layer, or use 'hidden')")
    }

    @Test func aNetworkTooLargeForMemoryIsRefusedSayingHowLarge() throws {
        let layers = try Self.stack(#"[{"type": "fc", "units": 1000000}, {"type": "fc", "units": 1000000}]"#)
        let error = #expect(throws: LayerError.self) {
            try layers.requireFits(batch: 10, timeSteps: 20, available: 64 << 30)
        }
        // Layer 1 alone: 10¹² weights (+ 10⁶ biases), twice, in float32; the output layer three times.
        #expect(
            error?.description
                == "layers: the network needs 7458.41 GiB (layer 1 alone 7451.52 GiB), more than the 64.00 GiB of "
                + "memory this machine has")
        try Self.stack(#"[{"type": "fc", "units": 100}]"#).requireFits(batch: 10, timeSteps: 20, available: 1 << 30)
    }
}
