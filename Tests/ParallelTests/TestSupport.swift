import Testing

/// The widths every kernel is checked at: one vector, the 64-column block path alone, the 16-column tail
/// alone, both together, and a large width that is not a multiple of 64 (1008 = 15 · 64 + 48).
let kernelWidths = [16, 32, 48, 64, 80, 128, 144, 1008]

/// A quiet NaN with a recognisable payload: written where a kernel must neither read (a read would turn a
/// result into NaN) nor store (the sentinel would change).
let sentinel = Float(bitPattern: 0x7FC0_DEAD)

/// Sentinel floats placed after every output buffer to catch stores past its end.
let guardCount = 16

/// Values that tell a fused multiply-add from a separately rounded one: `(1 + 2^-12)^2 = 1 + 2^-11 + 2^-24`
/// exactly, which rounds (a tie, to even) to `1 + 2^-11`. So `fma(a, a, -(1 + 2^-11)) = 2^-24`, while
/// `a * a - (1 + 2^-11) = 0`.
let onePlusTwoToMinus12: Float = 1 + 0x1p-12
let onePlusTwoToMinus11: Float = 1 + 0x1p-11

func hex(_ value: Float) -> String { "0x" + String(value.bitPattern, radix: 16) }

/// Records an issue unless `actual` and `expected` are bit-identical (stricter than `==`: it tells -0 from +0
/// and compares NaNs by payload). Reports the number of differing elements and the first one, not the arrays.
func expectBitIdentical(
    _ actual: [Float], _ expected: [Float], _ context: @autoclosure () -> String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.count == expected.count else {
        Issue.record(
            "\(context()): \(actual.count) elements, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    var first: Int?
    var mismatches = 0
    for index in actual.indices where actual[index].bitPattern != expected[index].bitPattern {
        if first == nil { first = index }
        mismatches += 1
    }
    if let first {
        Issue.record(
            """
            \(context()): \(mismatches) of \(actual.count) elements differ; first at [\(first)]: \
            got \(actual[first]) (\(hex(actual[first]))), expected \(expected[first]) (\(hex(expected[first])))
            """, sourceLocation: sourceLocation)
    }
}

/// Records an issue unless every element of `values` is still the sentinel.
func expectSentinels(
    _ values: ArraySlice<Float>, _ context: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation
) {
    let overwritten = values.indices.filter { values[$0].bitPattern != sentinel.bitPattern }
    #expect(
        overwritten.isEmpty, "\(context()): stores outside the buffer at \(overwritten)", sourceLocation: sourceLocation
    )
}

/// `body` gets the array's first element, or (for an empty array) a valid pointer to one uninitialised element
/// the kernel must not read: kernels take non-optional pointers even for zero-length arguments.
func withPointer<T, R>(_ array: [T], _ body: (UnsafePointer<T>) -> R) -> R {
    if array.isEmpty {
        let placeholder = UnsafeMutablePointer<T>.allocate(capacity: 1)
        defer { placeholder.deallocate() }
        return body(placeholder)
    }
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// The mutable counterpart of `withPointer`.
func withMutablePointer<T, R>(_ array: inout [T], _ body: (UnsafeMutablePointer<T>) -> R) -> R {
    if array.isEmpty {
        let placeholder = UnsafeMutablePointer<T>.allocate(capacity: 1)
        defer { placeholder.deallocate() }
        return body(placeholder)
    }
    return array.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}

/// `addColumnSums` as a scalar loop: each of the first `width` columns of `rows` rows `rowStride` apart summed
/// from 0 in ascending row order, then added to `sums` (whose entries from `width` on are returned unchanged).
func referenceColumnSums(_ matrix: [Float], rows: Int, width: Int, rowStride: Int, addedTo sums: [Float]) -> [Float] {
    var expected = sums
    for j in 0..<width {
        var sum: Float = 0
        for r in 0..<rows { sum += matrix[r * rowStride + j] }
        expected[j] += sum
    }
    return expected
}
