import Parallel
import TestSupport
import Testing

@Suite("AlignedBuffer")
struct AlignedBufferTests {
    static let counts = [0, 1, 3, 15, 16, 17, 1000, 4099]

    @Test("a new buffer is zeroed, even where freed memory held other bytes", arguments: counts)
    func zeroInitialised(count: Int) {
        // Dirty the heap with buffers of the same size first, so a missing zero-fill would show.
        for _ in 0..<8 {
            let dirty = AlignedBuffer<Float>(count: count)
            dirty.fill(Float(bitPattern: 0xFFFF_FFFF))
        }
        let floats = AlignedBuffer<Float>(count: count)
        #expect(floats.count == count)
        #expect(floats.array.allSatisfy { $0.bitPattern == 0 })
        let shorts = AlignedBuffer<UInt16>(count: count)
        #expect(shorts.array.allSatisfy { $0 == 0 })
        let vectors = AlignedBuffer<SIMD16<Float>>(count: count)
        #expect(vectors.array.allSatisfy { $0 == SIMD16<Float>() })
    }

    @Test("the scoped buffer is 64-byte aligned for every element type and count", arguments: counts)
    func aligned(count: Int) {
        func address(_ buffer: AlignedBuffer<some BitwiseCopyable>) -> UInt {
            buffer.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        }
        // Several at once, so they cannot all land on a lucky 64-byte boundary by chance.
        for _ in 0..<4 {
            #expect(address(AlignedBuffer<Float>(count: count)) % 64 == 0)
            #expect(address(AlignedBuffer<UInt8>(count: count)) % 64 == 0)
            #expect(address(AlignedBuffer<UInt16>(count: count)) % 64 == 0)
            #expect(address(AlignedBuffer<Int32>(count: count)) % 64 == 0)
            #expect(address(AlignedBuffer<Double>(count: count)) % 64 == 0)
            #expect(address(AlignedBuffer<SIMD16<Float>>(count: count)) % 64 == 0)
        }
    }

    @Test("fill sets every element and array returns them all", arguments: counts)
    func fillRoundTrip(count: Int) {
        let buffer = AlignedBuffer<Float>(count: count)
        buffer.fill(-2.5)
        #expect(buffer.array == [Float](repeating: -2.5, count: count))
        buffer.fill(0)
        #expect(buffer.array == [Float](repeating: 0, count: count))
        let integers = AlignedBuffer<Int32>(count: count)
        integers.fill(-7)
        #expect(integers.array == [Int32](repeating: -7, count: count))
    }

    @Test("subscript and pointer address the same elements; array is a copy")
    func subscriptPointerAndArray() {
        let buffer = AlignedBuffer<Float>(count: 100)
        var rng = SplitMix64(seed: 0xA11C_ED)
        let values = rng.floats(100, in: -1..<1)
        for index in 0..<100 { buffer[index] = values[index] }
        #expect(buffer.array == values)
        #expect(buffer.withUnsafeBufferPointer { Array($0) } == values)
        buffer.withUnsafeMutableBufferPointer { $0[42] = 7 }
        #expect(buffer[42] == 7)
        buffer.withUnsafeMutableBufferPointer { $0.pointer(at: 40, count: 3)[1] = 8 }
        #expect(buffer[41] == 8)
        #expect(buffer.withUnsafeBufferPointer { $0.start.pointee } == values[0])
        #expect(buffer.withUnsafeMutableBytes { $0.count } == 100 * MemoryLayout<Float>.stride)
        let snapshot = buffer.array
        buffer[0] = 99
        #expect(snapshot[0] == values[0], "array must be a copy, not a view")
        #expect(buffer.array[0] == 99)
    }

    @Test("an empty buffer has a valid pointer, an empty array, and fill does nothing")
    func empty() {
        let buffer = AlignedBuffer<Float>(count: 0)
        #expect(buffer.count == 0)
        #expect(buffer.array.isEmpty)
        buffer.fill(1)
        #expect(buffer.array.isEmpty)
    }

    @Test("rejects a negative count and an index out of bounds")
    func preconditions() async {
        await #expect(processExitsWith: .failure) { _ = AlignedBuffer<Float>(count: -1) }
        await #expect(processExitsWith: .failure) { _ = AlignedBuffer<Float>(count: 4)[4] }
    }

    @Test("the multi-buffer scope hands out every buffer, in order")
    func multiBufferScope() {
        let buffers = (0..<3).map { AlignedBuffer<Int32>(count: 4 + $0) }
        AlignedBuffer.withUnsafeMutableBufferPointers(buffers) { pointers in
            #expect(pointers.map(\.count) == [4, 5, 6])
            for (index, pointer) in pointers.enumerated() { pointer[index] = Int32(10 + index) }
        }
        #expect(buffers[0][0] == 10 && buffers[1][1] == 11 && buffers[2][2] == 12)
    }
}
