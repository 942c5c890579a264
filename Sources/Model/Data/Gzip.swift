import CZlib
import Foundation

/// Whole-file gzip decompression in memory, through the system zlib, with the output bounded.
///
/// MNIST ships as four `.gz` files of at most 10 MB (47 MB decompressed), so reading a whole file and
/// inflating it in one go is simpler than streaming and costs nothing that matters. What is never done is
/// inflating without a bound: a few kilobytes of deflate data can inflate to gigabytes (a "gzip bomb"), so
/// output stops at `maximumOutputBytes`, or, when the caller can tell from the first inflated bytes how many
/// there must be (an IDX header), one byte past that size.
public enum Gzip {
    /// The most bytes `decompress` inflates from one file when the caller gives no exact size: 1 GiB plus the
    /// largest IDX header, so that it is never the bound that stops a file `IDX.maximumBytes` accepts.
    public static let maximumOutputBytes = IDX.maximumBytes + IDXKind.images.maximumHeaderBytes

    /// Output buffer handed to zlib per `inflate` call.
    static let chunkBytes = 1 << 18

    /// Whether `data` starts with the gzip magic bytes `1f 8b`. This, not the file name, decides whether a file is
    /// decompressed: a renamed or uncompressed download is still read correctly.
    public static func isGzip(_ data: Data) -> Bool {
        guard data.count >= 2 else { return false }
        return data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// The decompressed contents of a gzip file: every member, concatenated (as `gunzip` does for files made by
    /// `cat a.gz b.gz` or by parallel compressors such as `pigz`), at most `maximumOutputBytes` of them.
    ///
    /// - Parameter name: the file's name or path, for error messages.
    /// - Throws: `DataError.gzipCorrupt` when `data` is not gzip, is damaged (bad deflate data, CRC or length
    ///   check), ends in the middle of a member, is followed by bytes that do not start another member, or
    ///   inflates to more than `maximumOutputBytes`.
    public static func decompress(_ data: Data, name: String) throws(DataError) -> [UInt8] {
        try inflate(data, name: name, headerBytes: nil) { _ throws(DataError) in maximumOutputBytes }
    }

    /// The decompressed contents of a gzip file whose first `headerBytes` inflated bytes tell how many bytes it
    /// must inflate to: once that many are out, `expectedBytes` is called with them and returns the total (or
    /// throws, e.g. for a bad magic number, and inflation stops there). Inflation then stops as soon as one
    /// byte more than the total comes out, however much the stream would go on producing. A stream that ends
    /// early is returned as it is (the caller reports the truncation, as for an uncompressed file).
    ///
    /// Memory: the output is reserved once, at the expected size (or `maximumOutputBytes`, whichever is
    /// smaller), plus one `chunkBytes` buffer.
    ///
    /// - Throws: what `expectedBytes` throws; `DataError.inflatesPastHeader` when the stream holds more than
    ///   the expected total; otherwise as `decompress(_:name:)`.
    public static func decompress(
        _ data: Data, name: String, headerBytes: Int, expectedBytes: ([UInt8]) throws(DataError) -> Int
    ) throws(DataError) -> [UInt8] {
        precondition(headerBytes >= 1 && headerBytes <= chunkBytes, "header of \(headerBytes) bytes")
        return try inflate(data, name: name, headerBytes: headerBytes, expectedBytes: expectedBytes)
    }

    private static func inflate(
        _ data: Data, name: String, headerBytes: Int?, expectedBytes: ([UInt8]) throws(DataError) -> Int
    ) throws(DataError) -> [UInt8] {
        guard isGzip(data) else {
            throw .gzipCorrupt(path: name, reason: "not gzip data (no 1f 8b header)")
        }
        // zlib counts input in 32-bit `uInt`; a larger .gz is not an MNIST file and is rejected, not truncated.
        guard data.count <= Int(UInt32.max) else {
            throw .gzipCorrupt(path: name, reason: "larger than 4 GiB, not supported")
        }
        var input = [UInt8](data)
        var output: [UInt8] = []
        // The last four bytes of a member hold its decompressed size mod 2^32: only a claim, named in messages.
        let trailerClaim = input.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        // The most bytes this call may produce: unknown (the general cap) until the header is out.
        var limit = maximumOutputBytes
        var limitIsExact = false
        if headerBytes == nil { output.reserveCapacity(min(trailerClaim, 1 << 28)) }
        var chunk = [UInt8](repeating: 0, count: chunkBytes)

        let failure: DataError? = input.withUnsafeMutableBufferPointer { inBuffer in
            chunk.withUnsafeMutableBufferPointer { outBuffer in
                precondition(inBuffer.count >= 2 && inBuffer.count <= Int(UInt32.max), "input checked above")
                precondition(outBuffer.count > 0 && outBuffer.count <= Int(UInt32.max), "chunk size")
                // This is safe because both pointers handed to zlib point into buffers that outlive `stream`
                // (it is ended by the `defer` below, inside this scope), `avail_in`/`avail_out` never exceed the
                // buffers' counts, and zlib never writes through `next_in` (it is `z_const` in zlib.h, which is
                // empty unless ZLIB_CONST is defined, hence the mutable pointer).
                var stream = z_stream()
                let initialized = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
                guard initialized == Z_OK else {
                    return .gzipCorrupt(
                        path: name, reason: "zlib could not start (inflateInit2 returned \(initialized))")
                }
                defer { inflateEnd(&stream) }
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                var member = 1
                while true {
                    // Room for the bytes still allowed plus one: that one, if it comes, proves the stream too long.
                    // Before the header is out, only up to its end, so that the limit is known before the bulk.
                    var room = limit - output.count + 1
                    if let headerBytes, !limitIsExact { room = min(room, headerBytes - output.count) }
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(min(outBuffer.count, room))
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    let produced = min(outBuffer.count, room) - Int(stream.avail_out)
                    output.append(contentsOf: outBuffer[0..<produced])
                    if let headerBytes, !limitIsExact, output.count == headerBytes {
                        do throws(DataError) {
                            limit = try expectedBytes(output)
                        } catch {
                            return error
                        }
                        limitIsExact = true
                        output.reserveCapacity(min(limit, maximumOutputBytes))
                    }
                    if output.count > limit {
                        guard limitIsExact else {
                            return .gzipCorrupt(
                                path: name, reason: "inflates to more than \(maximumOutputBytes) bytes, the most read")
                        }
                        return .inflatesPastHeader(
                            path: name, expected: limit, inflated: output.count, trailerClaim: trailerClaim)
                    }
                    switch status {
                    case Z_OK:
                        continue
                    case Z_STREAM_END:
                        let left = Int(stream.avail_in)
                        if left == 0 { return nil }
                        let next = inBuffer.count - left
                        guard left >= 2 && inBuffer[next] == 0x1f && inBuffer[next + 1] == 0x8b else {
                            return .gzipCorrupt(
                                path: name, reason: "\(left) bytes of trailing garbage after gzip member \(member)")
                        }
                        member += 1
                        guard inflateReset(&stream) == Z_OK else {
                            return .gzipCorrupt(path: name, reason: "zlib could not start member \(member)")
                        }
                    case Z_BUF_ERROR where stream.avail_in == 0:
                        return .gzipCorrupt(
                            path: name, reason: "ends in the middle of gzip member \(member) (file truncated?)")
                    default:
                        let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                        return .gzipCorrupt(path: name, reason: "\(message) (in gzip member \(member))")
                    }
                }
            }
        }
        if let failure { throw failure }
        return output
    }
}
