extension Kernels {
    /// Lists the columns of a `rows × width` row-major matrix that hold a non-zero value in any row, in
    /// ascending order, into `columns`, and gathers each listed column's values into `values` (column-major:
    /// listed column c's `rows` values at `c · rows`). Returns how many columns were listed. (The W1 update's
    /// active inputs and their rates, Eq. 15.)
    ///
    /// - Precondition: `rows >= 0`, `0 <= width <= 2³²`; `matrix` holds `rows · width` floats, `columns`
    ///   `width` slots, `values` `rows · width`.
    public static func nonZeroColumns(
        _ matrix: UnsafePointer<Float>, rows: Int, width: Int, columns: UnsafeMutablePointer<Kernels.RowIndex>,
        values: UnsafeMutablePointer<Float>
    ) -> Int {
        precondition(rows >= 0, "nonZeroColumns: negative rows \(rows)")
        precondition(
            width >= 0 && width <= Int(Kernels.RowIndex.max) + 1, "nonZeroColumns: width \(width) past 32-bit indices")
        var count = 0
        // This is safe because r < rows, i < width and count <= i < width index inside the stated shapes.
        for i in 0..<width {
            var any = false
            for r in 0..<rows where matrix[r &* width &+ i] != 0 { any = true }
            guard any else { continue }
            columns[count] = Kernels.RowIndex(i)
            for r in 0..<rows { values[count &* rows &+ r] = matrix[r &* width &+ i] }
            count += 1
        }
        return count
    }
}
