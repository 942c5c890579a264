/// Namespace of the compute kernels. They see raw `Float` buffers and shapes, nothing about neurons.
///
/// Conventions shared by every kernel:
/// - `width` (the contiguous dimension) is a multiple of `lanes`, so rows are walked as `Vector`s with no
///   scalar tail; callers pad with zeros (padding columns stay zero through every kernel).
/// - Shapes are checked with `precondition` before the first pointer access; the loops then use unchecked
///   pointer arithmetic. Every pointer stays inside the call.
/// - Summation order is fixed by the shapes alone (never by threads), so results are reproducible bit for bit.
public enum Kernels {
    /// The vector every kernel walks rows with.
    public typealias Vector = SIMD16<Float>
    /// Vector width in floats (16); `width` arguments must be multiples of it, and a layer of at most this many
    /// neurons (the output layer) is one vector. Computed and `@inlinable`, so every module folds it to a
    /// constant (a stored `static let` is read through an accessor from other modules).
    @inlinable public static var lanes: Int { Vector.scalarCount }
    /// Columns of one register block: 4 vectors (8 accumulators with two row chains). `accumulateRowChanges` and
    /// `rankUpdate` walk blocks of this width and fall back to single vectors on a narrower tail, so callers
    /// that lay out columns (shard boundaries, the feed-forward's cache blocks) use multiples of it.
    @inlinable public static var blockWidth: Int { 4 * lanes }
    /// The index type of the row lists the kernels take (a spike train's per-step changes, the active inputs,
    /// the output rows of the W2 update): 32 bits, so a layer's inputs are bounded by memory, not by the index.
    /// (It was `UInt16` until issue #14, which capped inputs at 65,536; the bench's training rows measure both.)
    public typealias RowIndex = UInt32
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
