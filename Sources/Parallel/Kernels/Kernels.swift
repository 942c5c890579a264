/// Namespace of the compute kernels. They see raw `Float` buffers and shapes, nothing about neurons.
///
/// Conventions shared by every kernel:
/// - `width` (the contiguous dimension) is a multiple of 16, so rows are walked as `SIMD16<Float>` with no
///   scalar tail; callers pad with zeros (padding columns stay zero through every kernel).
/// - Shapes are checked with `precondition` before the first pointer access; the loops then use unchecked
///   pointer arithmetic. Every pointer stays inside the call.
/// - Summation order is fixed by the shapes alone (never by threads), so results are reproducible bit for bit.
public enum Kernels {
    /// Vector width in floats; `width` arguments must be multiples of it.
    public static let lanes = 16
}

/// Loads 16 floats from `pointer` (no alignment required).
@inline(__always)
func load16(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
}

/// Stores 16 floats at `pointer` (no alignment required).
@inline(__always)
func store16(_ value: SIMD16<Float>, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD16<Float>.self)
}

/// clamp(v, 0, 1) lane-wise as compare-and-blend. `SIMD.clamped(lowerBound:upperBound:)` compiles to a
/// scalar loop with NaN checks per lane (seen in the disassembly, not timed); this is two vcmpps + blends.
@inline(__always)
func clampUnit(_ v: SIMD16<Float>) -> SIMD16<Float> {
    let zero = SIMD16<Float>(repeating: 0)
    let one = SIMD16<Float>(repeating: 1)
    return v.replacing(with: zero, where: v .< zero).replacing(with: one, where: v .> one)
}
