import CZlib

/// CRC-32 (IEEE 802.3, the polynomial of zlib and PNG), computed by the zlib the package links (`crc32_z`).
///
/// zlib's is faster than the slicing-by-8 table code ptrain had before: on 14.3 MB (an H = 4500 checkpoint),
/// minimum 7.4–7.9 ms, median 8.4–12.4 ms against 12.2–14.4 ms and 20.0–20.2 ms, 20 rounds, two runs of
/// `Scripts/crc32-versus-zlib.sh` (release flags, the 2-vCPU build machine under a load of about 10).
public enum CRC32 {
    /// The CRC-32 of `bytes`, continuing from `initial` (pass a previous result to chain).
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes, initial: UInt32 = 0) -> UInt32
    where Bytes.Element == UInt8 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0), initial: initial) })
        {
            return crc
        }
        return Array(bytes).withUnsafeBytes { checksum($0, initial: initial) }
    }

    /// The CRC-32 of the bytes in `buffer`.
    public static func checksum(_ buffer: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        guard let base = buffer.baseAddress else { return initial }
        // This is safe because zlib reads exactly `buffer.count` bytes from `base`, all inside `buffer`.
        return UInt32(crc32_z(UInt(initial), base.assumingMemoryBound(to: UInt8.self), buffer.count))
    }

    /// The CRC-32 of `a` followed by `b`, from the CRC of `a`, the CRC of `b` and the length of `b` (zlib's
    /// `crc32_combine`): pieces checksummed apart, by different ranks, combine into the CRC of the whole.
    public static func combine(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        UInt32(crc32_combine(UInt(first), UInt(second), secondLength))
    }
}
