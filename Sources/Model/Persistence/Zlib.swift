import CZlib

/// zlib-format (RFC 1950) compression through the zlib the package links, for the PNG writer's image data.
/// (Gzip files are read by `Gzip`, with their own bounds.)
public enum Zlib {
    /// `bytes` compressed at `level` (0...9, zlib's best by default), with zlib's header and Adler-32 trailer.
    public static func compress(_ bytes: [UInt8], level: Int32 = Z_BEST_COMPRESSION) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                // This is safe because `out` holds `compressBound(count)` bytes, the most `compress2` writes, and
                // zlib reads exactly `input.count` bytes of `input`.
                compress2(out.baseAddress, &length, input.baseAddress, uLong(input.count), level)
            }
        }
        precondition(status == Z_OK, "compress2 failed with status \(status) on \(bytes.count) bytes in memory")
        output.removeLast(output.count - Int(length))
        return output
    }

    /// The `size` bytes zlib data `bytes` decompresses to, or nil when it is not valid zlib data of that size.
    public static func decompress(_ bytes: [UInt8], size: Int) -> [UInt8]? {
        var length = uLong(size)
        var output = [UInt8](repeating: 0, count: size)
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                // This is safe because zlib writes at most `length` = `out.count` bytes and reads `input.count`.
                uncompress(out.baseAddress, &length, input.baseAddress, uLong(input.count))
            }
        }
        guard status == Z_OK, Int(length) == size else { return nil }
        return output
    }
}
