import CZlib
import Foundation

/// Whole-file gzip decompression in memory, through the system zlib.
///
/// MNIST ships as four `.gz` files of at most 10 MB (47 MB decompressed), so reading a whole file and
/// inflating it in one go is simpler than streaming and costs nothing that matters.
public enum Gzip {
    /// Whether `data` starts with the gzip magic bytes `1f 8b`. This, not the file name, decides whether a file is
    /// decompressed: a renamed or uncompressed download is still read correctly.
    public static func isGzip(_ data: Data) -> Bool {
        guard data.count >= 2 else { return false }
        return data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// The decompressed contents of a gzip file: every member, concatenated (as `gunzip` does for files made by
    /// `cat a.gz b.gz` or by parallel compressors such as `pigz`).
    ///
    /// - Parameter name: the file's name or path, for error messages.
    /// - Throws: `DataError.gzipCorrupt` when `data` is not gzip, is damaged (bad deflate data, CRC or length
    ///   check), ends in the middle of a member, or is followed by bytes that do not start another member.
    public static func decompress(_ data: Data, name: String) throws(DataError) -> [UInt8] {
        guard isGzip(data) else {
            throw .gzipCorrupt(path: name, reason: "not gzip data (no 1f 8b header)")
        }
        // zlib counts input in 32-bit `uInt`; a larger .gz is not an MNIST file and is rejected, not truncated.
        guard data.count <= Int(UInt32.max) else {
            throw .gzipCorrupt(path: name, reason: "larger than 4 GiB, not supported")
        }
        var input = [UInt8](data)
        var output: [UInt8] = []
        // The last four bytes of a member hold its decompressed size mod 2^32: a good first guess for one member.
        // Capped, so that a hostile trailer cannot make us reserve gigabytes up front.
        let sizeHint = input.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        output.reserveCapacity(min(sizeHint, 1 << 28))
        var chunk = [UInt8](repeating: 0, count: 1 << 18)

        let failure: String? = input.withUnsafeMutableBufferPointer { inBuffer in
            chunk.withUnsafeMutableBufferPointer { outBuffer in
                precondition(inBuffer.count >= 2 && inBuffer.count <= Int(UInt32.max), "input checked above")
                precondition(outBuffer.count > 0 && outBuffer.count <= Int(UInt32.max), "chunk size")
                // This is safe because both pointers handed to zlib point into buffers that outlive `stream`
                // (it is ended by the `defer` below, inside this scope), `avail_in`/`avail_out` never exceed the
                // buffers' counts, and zlib never writes through `next_in` (it is `z_const` in zlib.h, which is
                // empty unless ZLIB_CONST is defined, hence the mutable pointer).
                var stream = z_stream()
                let initialized = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
                guard initialized == Z_OK else { return "zlib could not start (inflateInit2 returned \(initialized))" }
                defer { inflateEnd(&stream) }
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                var member = 1
                while true {
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    let produced = outBuffer.count - Int(stream.avail_out)
                    output.append(contentsOf: outBuffer[0..<produced])
                    switch status {
                    case Z_OK:
                        continue
                    case Z_STREAM_END:
                        let left = Int(stream.avail_in)
                        if left == 0 { return nil }
                        let next = inBuffer.count - left
                        guard left >= 2 && inBuffer[next] == 0x1f && inBuffer[next + 1] == 0x8b else {
                            return "\(left) bytes of trailing garbage after gzip member \(member)"
                        }
                        member += 1
                        guard inflateReset(&stream) == Z_OK else { return "zlib could not start member \(member)" }
                    case Z_BUF_ERROR where stream.avail_in == 0:
                        return "ends in the middle of gzip member \(member) (file truncated?)"
                    default:
                        let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                        return "\(message) (in gzip member \(member))"
                    }
                }
            }
        }
        if let failure { throw .gzipCorrupt(path: name, reason: failure) }
        return output
    }
}
