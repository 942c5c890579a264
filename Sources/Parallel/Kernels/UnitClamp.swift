extension Kernels {
    /// ρ(v) = clamp(v, 0, 1), the hard sigmoid of the spec — the one definition, scalar form. NaN stays NaN;
    /// −0 becomes +0 (`max(−0, 0)` is `0`), exactly as the vector form `unitClamp(_: Vector)` does.
    @inlinable @inline(__always)
    public static func unitClamp(_ v: Float) -> Float { min(max(v, 0), 1) }

    /// ρ'(v) = 1 on [0, 1], else 0 (NaN: 0).
    @inlinable @inline(__always)
    public static func unitClampDerivative(_ v: Float) -> Float { v >= 0 && v <= 1 ? 1 : 0 }

    /// `unitClamp` lane-wise as compare-and-blend, bit for bit the scalar form on every input (tested over
    /// every exponent, ±0, ±∞ and NaN). `SIMD.clamped(lowerBound:upperBound:)` compiles to a scalar loop with
    /// NaN checks per lane (read in the disassembly; no `ptrain bench` row times it); this is two compares and
    /// two blends.
    @inlinable @inline(__always)
    public static func unitClamp(_ v: Vector) -> Vector {
        let zero = Vector(repeating: 0)
        let one = Vector(repeating: 1)
        return v.replacing(with: zero, where: v .<= zero).replacing(with: one, where: v .> one)
    }

    /// `unitClamp` of `count` floats of `source` into `destination` (which may be `source`).
    /// - Precondition: `count >= 0`; both buffers hold `count` floats.
    public static func unitClamp(
        _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int
    ) {
        precondition(count >= 0, "unitClamp: negative count \(count)")
        // This is safe because i < count and both buffers hold count floats.
        for i in 0..<count { destination[i] = unitClamp(source[i]) }
    }
}
