// The timing program of Scripts/crc32-versus-zlib.sh (not part of the package).
import CZlib
import Foundation

let count = 14_300_000
var bytes = [UInt8](repeating: 0, count: count)
var state: UInt64 = 42
for i in 0..<count { state = state &* 6364136223846793005 &+ 1442695040888963407; bytes[i] = UInt8(truncatingIfNeeded: state >> 33) }
func zlib(_ b: [UInt8]) -> UInt32 { b.withUnsafeBytes { UInt32(crc32_z(0, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), $0.count)) } }
precondition(zlib(bytes) == CRC32.checksum(bytes))
var hand: [Double] = []
var zlibTimes: [Double] = []
for _ in 0..<20 {
    var t0 = DispatchTime.now().uptimeNanoseconds
    _ = CRC32.checksum(bytes)
    var t1 = DispatchTime.now().uptimeNanoseconds
    hand.append(Double(t1 - t0) / 1e6)
    t0 = DispatchTime.now().uptimeNanoseconds
    _ = zlib(bytes)
    t1 = DispatchTime.now().uptimeNanoseconds
    zlibTimes.append(Double(t1 - t0) / 1e6)
}
func summary(_ times: [Double]) -> String {
    let sorted = times.sorted()
    return String(format: "min %.1f ms, median %.1f ms", sorted[0], sorted[sorted.count / 2])
}
print("14.3 MB, 20 rounds: slicing-by-8 \(summary(hand)); zlib crc32_z \(summary(zlibTimes))")
