import Model
import Testing

/// The encoder's spike test `u < τ` (`SpikeEncoder.threshold`) against the test it replaced, u·255 < p·2³², and
/// against u < x·2³² for float intensities: exhaustively over the bytes, at the values of u where the answer turns.
@Suite("SpikeEncoder thresholds")
struct SpikeEncoderThresholdTests {
    @Test("for every byte p, u < ⌈p·2³²/255⌉ exactly when u·255 < p·2³² (at and around the turning point)")
    func bytesMatchTheIntegerTest() {
        let top = UInt64(UInt32.max)
        for p in UInt8.min...UInt8.max {
            let tau = SpikeEncoder.threshold(byte: p)
            let turn = (UInt64(p) << 32) / 255
            let candidates = [0, 1, turn &- 2, turn &- 1, turn, turn + 1, turn + 2, top - 1, top]
            for u in candidates where u <= top {
                #expect((u < tau) == (u * 255 < UInt64(p) << 32), "p \(p), u \(u)")
            }
        }
        #expect(SpikeEncoder.threshold(byte: 0) == 0)
        #expect(SpikeEncoder.threshold(byte: 255) == 1 << 32)
    }

    @Test("for float x, u < ⌈x·2³²⌉ exactly when u < x·2³²; 0 never spikes, 1 always does")
    func intensitiesMatchTheRealTest() {
        #expect(SpikeEncoder.threshold(intensity: 0) == 0)
        #expect(SpikeEncoder.threshold(intensity: 1) == 1 << 32)
        for x: Float in [Float.leastNonzeroMagnitude, 1e-9, 0.1, 0.5, Float(0.5).nextUp, 0.75, Float(1).nextDown] {
            let tau = SpikeEncoder.threshold(intensity: x)
            let real = Double(x) * 4_294_967_296
            for u in [tau &- 2, tau &- 1, tau, tau + 1] where u <= UInt64(UInt32.max) {
                #expect((u < tau) == (Double(u) < real), "x \(x), u \(u)")
            }
        }
    }
}
