import Dispatch

/// Seconds on a monotonic clock (not wall time: immune to clock changes), for throttling redraws.
public func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}
