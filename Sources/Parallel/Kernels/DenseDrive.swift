extension Kernels {
    /// Dense drive of a batch, register-blocked over the batch (spec, Eq. 5 written as a matrix product,
    /// I = x·W + b):
    ///
    ///     out[b · width + c] = bias[c] + Σ_i inputs[b · inputCount + i] · matrix[i · rowStride + c]
    ///
    /// for `b` in `0..<batch`, `c` in `0..<width`: one FMA chain per output in ascending i, starting from the
    /// bias. The matrix is walked as panels of 32 columns (row i of a panel is 2 vectors, `rowStride` floats
    /// after row i − 1); 10 batch rows × 32 columns of accumulators stay in 20 vector registers while the
    /// panel streams past, so each row costs 2 loads, 10 broadcasts and 20 FMAs.
    ///
    /// This is the dense alternative to `accumulateRowChanges` and the reference point for its speed: on
    /// binary MNIST spikes the event-driven kernel touches ~29 rows per step where this one multiplies all
    /// 784, so training uses the event-driven kernel (`ptrain bench` reports both).
    ///
    /// - Precondition: `width % 16 == 0`, `width <= rowStride`; `matrix` holds `inputCount` rows;
    ///   `inputs` holds `batch · inputCount` floats, `bias` `width`, `out` `batch · width`.
    public static func denseDrive(
        inputs: UnsafePointer<Float>, inputCount: Int, batch: Int,
        matrix: UnsafePointer<Float>, rowStride: Int, width: Int,
        bias: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>
    ) {
        precondition(
            width % lanes == 0 && width <= rowStride,
            "denseDrive: width \(width) must be a multiple of 16 and <= stride")
        precondition(batch >= 0 && inputCount >= 0, "denseDrive: negative shape")
        // This is safe because every strip ends at or before `width`, sample + 10 <= batch in the blocked
        // groups, and rows 0..<inputCount are inside the matrix.
        var sample = 0
        while sample + 10 <= batch {
            var column = 0
            while column + 32 <= width {
                denseDrivePanel(
                    inputs: inputs + sample &* inputCount, inputCount: inputCount, matrix: matrix + column,
                    rowStride: rowStride, bias: bias + column, out: out + sample &* width + column, outStride: width)
                column += 32
            }
            while column < width {
                for b in sample..<(sample + 10) {
                    denseDriveVector(
                        inputs: inputs + b &* inputCount, inputCount: inputCount, matrix: matrix + column,
                        rowStride: rowStride, bias: bias + column, out: out + b &* width + column)
                }
                column += lanes
            }
            sample += 10
        }
        for b in sample..<batch {
            var column = 0
            while column < width {
                denseDriveVector(
                    inputs: inputs + b &* inputCount, inputCount: inputCount, matrix: matrix + column,
                    rowStride: rowStride, bias: bias + column, out: out + b &* width + column)
                column += lanes
            }
        }
    }

    /// Ten samples on one 32-column panel: 20 accumulators.
    @inline(__always)
    private static func denseDrivePanel(
        inputs x: UnsafePointer<Float>, inputCount n: Int, matrix: UnsafePointer<Float>, rowStride: Int,
        bias: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, outStride: Int
    ) {
        let (ba, bb) = (load16(bias), load16(bias + 16))
        var (a0, b0, a1, b1, a2, b2, a3, b3, a4, b4) = (ba, bb, ba, bb, ba, bb, ba, bb, ba, bb)
        var (a5, b5, a6, b6, a7, b7, a8, b8, a9, b9) = (ba, bb, ba, bb, ba, bb, ba, bb, ba, bb)
        var row = matrix
        for i in 0..<n {
            let (wa, wb) = (load16(row), load16(row + 16))
            var x0 = x[i]
            a0 = a0.addingProduct(x0, wa)
            b0 = b0.addingProduct(x0, wb)
            x0 = x[n &+ i]
            a1 = a1.addingProduct(x0, wa)
            b1 = b1.addingProduct(x0, wb)
            x0 = x[2 &* n &+ i]
            a2 = a2.addingProduct(x0, wa)
            b2 = b2.addingProduct(x0, wb)
            x0 = x[3 &* n &+ i]
            a3 = a3.addingProduct(x0, wa)
            b3 = b3.addingProduct(x0, wb)
            x0 = x[4 &* n &+ i]
            a4 = a4.addingProduct(x0, wa)
            b4 = b4.addingProduct(x0, wb)
            x0 = x[5 &* n &+ i]
            a5 = a5.addingProduct(x0, wa)
            b5 = b5.addingProduct(x0, wb)
            x0 = x[6 &* n &+ i]
            a6 = a6.addingProduct(x0, wa)
            b6 = b6.addingProduct(x0, wb)
            x0 = x[7 &* n &+ i]
            a7 = a7.addingProduct(x0, wa)
            b7 = b7.addingProduct(x0, wb)
            x0 = x[8 &* n &+ i]
            a8 = a8.addingProduct(x0, wa)
            b8 = b8.addingProduct(x0, wb)
            x0 = x[9 &* n &+ i]
            a9 = a9.addingProduct(x0, wa)
            b9 = b9.addingProduct(x0, wb)
            row += rowStride
        }
        let s = outStride
        store16(a0, out)
        store16(b0, out + 16)
        store16(a1, out + s)
        store16(b1, out + s + 16)
        store16(a2, out + 2 &* s)
        store16(b2, out + 2 &* s + 16)
        store16(a3, out + 3 &* s)
        store16(b3, out + 3 &* s + 16)
        store16(a4, out + 4 &* s)
        store16(b4, out + 4 &* s + 16)
        store16(a5, out + 5 &* s)
        store16(b5, out + 5 &* s + 16)
        store16(a6, out + 6 &* s)
        store16(b6, out + 6 &* s + 16)
        store16(a7, out + 7 &* s)
        store16(b7, out + 7 &* s + 16)
        store16(a8, out + 8 &* s)
        store16(b8, out + 8 &* s + 16)
        store16(a9, out + 9 &* s)
        store16(b9, out + 9 &* s + 16)
    }

    /// One sample on one 16-column strip (tails of the batch and of the width).
    @inline(__always)
    private static func denseDriveVector(
        inputs x: UnsafePointer<Float>, inputCount n: Int, matrix: UnsafePointer<Float>, rowStride: Int,
        bias: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>
    ) {
        var acc = load16(bias)
        var row = matrix
        for i in 0..<n {
            acc = acc.addingProduct(x[i], load16(row))
            row += rowStride
        }
        store16(acc, out)
    }
}
