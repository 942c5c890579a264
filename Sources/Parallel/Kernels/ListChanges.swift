extension Kernels {
    /// One time step of `count` binary signals, as the lists of those that changed (the spike encoder's
    /// per-step output, spec step 1: the inputs switched on and off, which the event-driven drive of Eq. 5
    /// consumes). Signal c's new value is bit `bit` of `bits[c]`, its old value `previous[c]` (0 or 1).
    /// Appends `labels[c]` of the signals that switch on to `added` and of those that switch off to `removed`,
    /// in ascending c; adds the new value to `totals[labels[c]]`; stores it in `previous[c]`; returns the two
    /// list lengths.
    ///
    /// Branch-free: every label is stored at the current end of both lists and the lengths advance by 0 or 1.
    /// The spike test is a coin flip for grey pixels, so a branch mispredicts half the time (a `perf` profile
    /// of an earlier build whose encoder branched put encoding at 21% of training time; `ptrain bench` times
    /// today's encoding as the "encode" step of "steps of one batch").
    ///
    /// - Precondition: `count >= 0`, `bit < 8`; `bits`, `previous`, `labels` hold `count` elements, `added` and
    ///   `removed` `count` slots, `totals` an element for every label.
    public static func listChanges(
        bits: UnsafePointer<UInt8>, bit: UInt8, previous: UnsafeMutablePointer<UInt8>, labels: UnsafePointer<UInt32>,
        count: Int, added: UnsafeMutablePointer<Kernels.RowIndex>, removed: UnsafeMutablePointer<Kernels.RowIndex>,
        totals: UnsafeMutablePointer<Int32>
    ) -> (added: Int, removed: Int) {
        precondition(count >= 0 && bit < 8, "listChanges: count \(count), bit \(bit)")
        var addedCount = 0
        var removedCount = 0
        // This is safe because c < count, and addedCount, removedCount <= c: every store is inside the lists.
        for c in 0..<count {
            let now = (bits[c] >> bit) & 1
            let was = previous[c]
            let label = Kernels.RowIndex(truncatingIfNeeded: labels[c])
            added[addedCount] = label
            addedCount &+= Int(now & ~was & 1)
            removed[removedCount] = label
            removedCount &+= Int(was & ~now & 1)
            previous[c] = now
            totals[Int(labels[c])] &+= Int32(now)
        }
        return (addedCount, removedCount)
    }
}
