/// Bob Jenkins' lookup3 hash, `hashlittle` (2006, public domain): the checksum HDF5 puts on its superblock and
/// object headers (the HDF5 file format specification, "Checksums": `H5_checksum_lookup3` is `hashlittle` with
/// initial value 0). Bytes are read as little-endian 32-bit words whatever the machine, as the byte-wise branch
/// of `hashlittle` does, so the value does not depend on the machine's byte order.
public enum Lookup3 {
    /// `hashlittle(bytes, bytes.count, initial)`. Known value (Jenkins' own test driver):
    /// `hashLittle("Four score and seven years ago", initial: 0)` = 0x17770551.
    public static func hashLittle(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt32 {
        var a = 0xDEAD_BEEF &+ UInt32(truncatingIfNeeded: bytes.count) &+ initial
        var b = a
        var c = a
        var offset = 0
        var left = bytes.count
        // Every 12-byte block but the last is mixed; the last (1 to 12 bytes, zero-padded) goes through `final`.
        while left > 12 {
            a &+= word(bytes, offset)
            b &+= word(bytes, offset + 4)
            c &+= word(bytes, offset + 8)
            mix(&a, &b, &c)
            offset += 12
            left -= 12
        }
        // An empty input returns c unmixed, as `hashlittle` does (its `case 0: return c`).
        guard left > 0 else { return c }
        a &+= word(bytes, offset, limit: bytes.count)
        b &+= word(bytes, offset + 4, limit: bytes.count)
        c &+= word(bytes, offset + 8, limit: bytes.count)
        final(&a, &b, &c)
        return c
    }

    /// The little-endian word at `offset`, bytes at or past `limit` read as zero.
    private static func word(_ bytes: [UInt8], _ offset: Int, limit: Int = .max) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<4 where offset + i < min(limit, bytes.count) {
            value |= UInt32(bytes[offset + i]) << (8 * i)
        }
        return value
    }

    private static func rotate(_ x: UInt32, _ k: UInt32) -> UInt32 { (x << k) | (x >> (32 - k)) }

    /// lookup3's `mix(a, b, c)`.
    private static func mix(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        a &-= c
        a ^= rotate(c, 4)
        c &+= b
        b &-= a
        b ^= rotate(a, 6)
        a &+= c
        c &-= b
        c ^= rotate(b, 8)
        b &+= a
        a &-= c
        a ^= rotate(c, 16)
        c &+= b
        b &-= a
        b ^= rotate(a, 19)
        a &+= c
        c &-= b
        c ^= rotate(b, 4)
        b &+= a
    }

    /// lookup3's `final(a, b, c)`.
    private static func final(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        c ^= b
        c &-= rotate(b, 14)
        a ^= c
        a &-= rotate(c, 11)
        b ^= a
        b &-= rotate(a, 25)
        c ^= b
        c &-= rotate(b, 16)
        a ^= c
        a &-= rotate(c, 4)
        b ^= a
        b &-= rotate(a, 14)
        c ^= b
        c &-= rotate(b, 24)
    }
}
