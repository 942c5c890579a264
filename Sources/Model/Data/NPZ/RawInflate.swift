import CZlib

/// Raw deflate (RFC 1951, zip's method 8) inflated through the system zlib (`inflateInit2` with window bits −15:
/// no zlib or gzip wrapper), to an output of exactly the size the caller expects and never more: as for
/// `Gzip`, a few kilobytes of deflate data can inflate to gigabytes, so zlib is only ever given room for the
/// bytes still expected, and once they are out, one byte more, which if it comes proves the stream too long.
enum RawInflate {
    /// Input and output handed to zlib per `inflate` call, under its 32-bit `uInt` counts.
    static let chunkBytes = 1 << 30

    /// The `size` bytes the deflate stream `data` inflates to.
    ///
    /// `path` and `key` name the archive and the entry in errors.
    /// - Throws: `.inflatesPastSize` when the stream holds more than `size` bytes (inflation stops one byte
    ///   past them); `.sizeMismatch` when it ends before `size`; `.corruptDeflate` when zlib refuses the data,
    ///   the data ends before the stream does, or bytes follow the stream's end.
    static func inflate(_ data: ArraySlice<UInt8>, size: Int, path: String, key: String) throws(NPZError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: size)
        // Where output goes once `size` bytes are out: a byte arriving here means the stream is too long.
        var probe: UInt8 = 0
        let failure: NPZError? = data.withUnsafeBufferPointer { input -> NPZError? in
            output.withUnsafeMutableBufferPointer { out -> NPZError? in
                withUnsafeMutablePointer(to: &probe) { probePointer -> NPZError? in
                    var stream = z_stream()
                    let initialized = inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
                    guard initialized == Z_OK else {
                        return .corruptDeflate(
                            path: path, key: key, reason: "zlib could not start: inflateInit2 returned \(initialized)")
                    }
                    defer { inflateEnd(&stream) }
                    var consumed = 0
                    var produced = 0
                    while true {
                        // This is safe because `next_in` points at `input[consumed...]` with `avail_in` no more
                        // than the bytes left there, `next_out` at `out[produced...]` with `avail_out` no more
                        // than the bytes left there (or at the one-byte `probe` with `avail_out` 1), all of
                        // which outlive `stream` (ended by the `defer` above, inside these scopes); zlib never
                        // writes through `next_in` (`z_const` is empty unless ZLIB_CONST is defined, hence the
                        // mutable pointer).
                        let inputChunk = min(input.count - consumed, chunkBytes)
                        stream.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0 + consumed) }
                        stream.avail_in = uInt(inputChunk)
                        let outputChunk: Int
                        if produced < out.count, let base = out.baseAddress {
                            outputChunk = min(out.count - produced, chunkBytes)
                            stream.next_out = base + produced
                        } else {
                            outputChunk = 1
                            stream.next_out = probePointer
                        }
                        stream.avail_out = uInt(outputChunk)
                        let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                        let read = inputChunk - Int(stream.avail_in)
                        let written = outputChunk - Int(stream.avail_out)
                        consumed += read
                        if produced == out.count {
                            if written > 0 { return .inflatesPastSize(path: path, key: key, declared: size) }
                        } else {
                            produced += written
                        }
                        switch status {
                        case Z_STREAM_END:
                            if produced < out.count {
                                return .sizeMismatch(path: path, key: key, declared: size, found: produced)
                            }
                            let left = input.count - consumed
                            if left > 0 {
                                return .corruptDeflate(
                                    path: path, key: key, reason: "\(left) bytes follow the end of the deflate stream")
                            }
                            return nil
                        case Z_OK, Z_BUF_ERROR:
                            // zlib progresses whenever it has input and room; no progress means all the input
                            // is consumed and the stream wants more: the data ends before the stream does.
                            if read == 0 && written == 0 {
                                return .corruptDeflate(
                                    path: path, key: key,
                                    reason: "the data ends in the middle of the deflate stream "
                                        + "after \(produced) of \(size) bytes")
                            }
                        default:
                            let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                            return .corruptDeflate(path: path, key: key, reason: message)
                        }
                    }
                }
            }
        }
        if let failure { throw failure }
        return output
    }
}
