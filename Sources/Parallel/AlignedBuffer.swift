/// A fixed-size, zero-initialised, 64-byte-aligned buffer of `Float` (or another trivial type), allocated once
/// and freed with its owner. The hot loops take its `pointer` once per call; nothing in them allocates.
///
/// It is `@unchecked Sendable` because the pool's tasks write disjoint ranges of it: the owner of the buffer
/// guarantees that two tasks never touch the same element during one `WorkerPool.run`.
public final class AlignedBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    /// First element; valid for `count` elements while the buffer lives.
    public let pointer: UnsafeMutablePointer<Element>
    /// Number of elements.
    public let count: Int

    /// Allocates `count` zeroed elements (at least one, so `pointer` is always valid).
    public init(count: Int) {
        precondition(count >= 0, "AlignedBuffer: negative count \(count)")
        self.count = count
        let bytes = max(1, count) * MemoryLayout<Element>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        pointer = raw.bindMemory(to: Element.self, capacity: max(1, count))
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    /// Element `index`, bounds-checked (for tests and cold paths; hot loops use `pointer`).
    public subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "AlignedBuffer index \(index) out of 0..<\(count)")
            return pointer[index]
        }
        set {
            precondition(index >= 0 && index < count, "AlignedBuffer index \(index) out of 0..<\(count)")
            pointer[index] = newValue
        }
    }

    /// Calls `body` with the whole buffer; the pointer is valid only inside `body` (the buffer is kept alive
    /// for the call) and must not escape it. Subscripts of the buffer pointer are bounds-checked in debug builds.
    @inlinable
    public func withUnsafeMutableBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeMutableBufferPointer<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        defer { withExtendedLifetime(self) {} }
        return try body(UnsafeMutableBufferPointer(start: pointer, count: count))
    }

    /// Read-only `withUnsafeMutableBufferPointer`.
    @inlinable
    public func withUnsafeBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        defer { withExtendedLifetime(self) {} }
        return try body(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// Sets every element to `value`.
    public func fill(_ value: Element) {
        pointer.update(repeating: value, count: count)
    }

    /// A copy of the contents as an array.
    public var array: [Element] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
