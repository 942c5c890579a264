/// The address a kernel call starts at, inside a scoped buffer: `buffer.pointer(at: offset, count: n)` is the
/// address of element `offset`, for a callee that reads or writes the `n` elements from there. The range is
/// checked with `assert` — in debug builds only, so release code is the bare pointer arithmetic it replaces —
/// the way swift-collections' `_UnsafeHandle` checks its subscripts. The pointer is valid only inside the scope
/// the buffer came from.
extension UnsafeMutableBufferPointer {
    @inlinable
    public func pointer(at offset: Int, count: Int) -> UnsafeMutablePointer<Element> {
        assert(
            offset >= 0 && count >= 0 && offset <= self.count - count,
            "elements \(offset)..<\(offset + count) outside the buffer's 0..<\(self.count)")
        return baseAddress.unsafelyUnwrapped + offset
    }
}

extension UnsafeBufferPointer {
    @inlinable
    public func pointer(at offset: Int, count: Int) -> UnsafePointer<Element> {
        assert(
            offset >= 0 && count >= 0 && offset <= self.count - count,
            "elements \(offset)..<\(offset + count) outside the buffer's 0..<\(self.count)")
        return baseAddress.unsafelyUnwrapped + offset
    }
}

extension UnsafeMutableBufferPointer {
    /// The first element's address, for a callee that takes the whole buffer (never nil for the buffers of
    /// `AlignedBuffer`, which always allocates; checked in debug builds).
    @inlinable
    public var start: UnsafeMutablePointer<Element> { baseAddress.unsafelyUnwrapped }
}

extension UnsafeBufferPointer {
    /// The first element's address, for a callee that takes the whole buffer (checked in debug builds).
    @inlinable
    public var start: UnsafePointer<Element> { baseAddress.unsafelyUnwrapped }
}
