extension Kernels {
    /// True when none of `count` floats is NaN or ±∞: Σ (x − x) is 0 for finite x and NaN otherwise (one
    /// branch-free pass; the divergence checks run it over every shard's update).
    /// - Precondition: `count >= 0`; `values` holds `count` floats.
    public static func allFinite(_ values: UnsafePointer<Float>, count: Int) -> Bool {
        precondition(count >= 0, "allFinite: negative count \(count)")
        var sum: Float = 0
        // This is safe because i < count and values holds count floats.
        for i in 0..<count { sum += values[i] - values[i] }
        return sum == 0
    }
}

extension Kernels {
    /// The index of the first of `count` floats not in `-bound...bound` (NaN is never inside), or nil: eight
    /// lanes at a time until a block holds one, then the scalar scan finds which.
    /// - Precondition: `count >= 0`; `values` holds `count` floats.
    public static func firstOutside(_ values: UnsafePointer<Float>, count: Int, bound: Float) -> Int? {
        precondition(count >= 0, "firstOutside: negative count \(count)")
        let upper = SIMD8<Float>(repeating: bound)
        let lower = -upper
        var start = 0
        while start + 8 <= count {
            // This is safe because start + 8 <= count: the eight floats read are inside the buffer.
            let block = UnsafeRawPointer(values + start).loadUnaligned(as: SIMD8<Float>.self)
            if !all((block .<= upper) .& (block .>= lower)) { break }
            start += 8
        }
        // This is safe because index < count.
        for index in start..<count where !(values[index] <= bound && values[index] >= -bound) { return index }
        return nil
    }
}
