/// A fixed-size, zero-initialised, 64-byte-aligned buffer of `Float` (or another trivial type), allocated once
/// and freed with its owner. Nothing in a hot loop allocates.
///
/// Its memory is reached the way swift-collections' `_UnsafeHandle` is: only inside a scoped accessor
/// (`withUnsafeMutableBufferPointer`, `withUnsafeBufferPointer`, `withUnsafeMutableBytes`, or the multi-buffer
/// `withUnsafeMutableBufferPointers`), which keeps the buffer alive for the call; the pointer must not escape
/// the closure. The buffer pointer's subscripts and `pointer(at:count:)` are bounds-checked in debug builds and
/// cost nothing in release ones. The base address itself is internal to `Parallel`.
///
/// It is `@unchecked Sendable` because the pool's tasks write disjoint ranges of it: the owner of the buffer
/// guarantees that two tasks never touch the same element during one `WorkerPool.run`.
public final class AlignedBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    /// First element; valid for `count` elements while the buffer lives (at least one element is allocated,
    /// so it is never dangling, even for `count == 0`).
    @usableFromInline let base: UnsafeMutablePointer<Element>
    /// Number of elements.
    public let count: Int

    /// Allocates `count` zeroed elements (at least one, so the base address is always valid).
    public init(count: Int) {
        precondition(count >= 0, "AlignedBuffer: negative count \(count)")
        self.count = count
        let bytes = max(1, count) * MemoryLayout<Element>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        base = raw.bindMemory(to: Element.self, capacity: max(1, count))
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

    /// Element `index`, bounds-checked in every build (for tests and cold paths; hot loops take a scope).
    public subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "AlignedBuffer index \(index) out of 0..<\(count)")
            return base[index]
        }
        set {
            precondition(index >= 0 && index < count, "AlignedBuffer index \(index) out of 0..<\(count)")
            base[index] = newValue
        }
    }

    /// Calls `body` with the whole buffer; the pointer is valid only inside `body` (the buffer is kept alive
    /// for the call) and must not escape it.
    @inlinable
    public func withUnsafeMutableBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeMutableBufferPointer<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        defer { withExtendedLifetime(self) {} }
        return try body(UnsafeMutableBufferPointer(start: base, count: count))
    }

    /// Read-only `withUnsafeMutableBufferPointer`.
    @inlinable
    public func withUnsafeBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        defer { withExtendedLifetime(self) {} }
        return try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// `withUnsafeMutableBufferPointer` as raw bytes (`count · stride` of them), for the communicators, which
    /// move bytes.
    @inlinable
    public func withUnsafeMutableBytes<Result, Failure: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        defer { withExtendedLifetime(self) {} }
        return try body(UnsafeMutableRawBufferPointer(start: base, count: count * MemoryLayout<Element>.stride))
    }

    /// Calls `body` with the buffer pointers of `buffers`, in order, all valid only inside `body` (every buffer
    /// is kept alive for the call). For code that holds one view of many buffers for a whole parallel step
    /// (the trainer's shard views); a hot loop over a few buffers nests the single-buffer scopes instead, which
    /// allocate nothing.
    @inlinable
    public static func withUnsafeMutableBufferPointers<Result, Failure: Error>(
        _ buffers: [AlignedBuffer<Element>], _ body: ([UnsafeMutableBufferPointer<Element>]) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        defer { withExtendedLifetime(buffers) {} }
        return try body(buffers.map { UnsafeMutableBufferPointer(start: $0.base, count: $0.count) })
    }

    /// Sets every element to `value`.
    public func fill(_ value: Element) {
        base.update(repeating: value, count: count)
    }

    /// A copy of the contents as an array.
    public var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
