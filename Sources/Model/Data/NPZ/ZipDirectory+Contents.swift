extension ZipDirectory.Entry {
    /// Deflate's largest expansion: a length/distance pair of two 1-bit codes yields at most 258 bytes, so one
    /// input byte yields at most 4 × 258 = 1032 output bytes. An entry that declares more than this many times
    /// its compressed size is refused before any output is allocated.
    static let maximumDeflateRatio: UInt64 = 1032

    /// The entry's uncompressed bytes: its local file header (APPNOTE 4.3.7) is found at the offset the central
    /// directory gives, its data follows the local name and extra field, and is copied (stored, method 0) or
    /// inflated (deflate, method 8) to exactly the central directory's uncompressed size, then checked against
    /// the central directory's CRC-32. Sizes and CRC come from the central directory alone, so entries followed
    /// by a data descriptor (general-purpose bit 3), whose local header holds zeros, read like the others.
    ///
    /// - Parameters:
    ///   - archive: the whole archive.
    ///   - path, key: name the archive and the entry in errors.
    func contents(in archive: [UInt8], path: String, key: String) throws(NPZError) -> ArraySlice<UInt8> {
        // Bit 0: traditional PKWARE encryption; bit 6: strong encryption (APPNOTE 4.4.4).
        guard flags & 0x0041 == 0 else { throw .encrypted(path: path, key: key) }
        guard method == 0 || method == 8 else { throw .unsupportedMethod(path: path, key: key, method: method) }
        guard uncompressedSize <= UInt64(NPZArchive.maximumEntryBytes) else {
            throw .entryTooLarge(path: path, key: key, bytes: uncompressedSize)
        }
        let fileBytes = UInt64(archive.count)
        let localBytes = UInt64(ZipDirectory.localHeaderBytes)
        guard localHeaderOffset <= fileBytes, localBytes <= fileBytes - localHeaderOffset else {
            throw .corruptEntry(
                path: path, key: key,
                reason: "its local header at offset \(localHeaderOffset) lies past the end of "
                    + "the \(archive.count)-byte archive")
        }
        // `localHeaderOffset + 30 <= archive.count`, checked above: the conversion and the fixed reads are safe.
        var local = ByteReader(bytes: archive, offset: Int(localHeaderOffset))
        guard local.uint32() == ZipDirectory.localHeaderSignature else {
            throw .corruptEntry(
                path: path, key: key, reason: "no local file header signature at offset \(localHeaderOffset)")
        }
        local.offset += 22  // version, flags, method, time, date, CRC-32 and sizes: the central directory's count
        let nameLength = Int(local.uint16() ?? 0)
        let extraLength = Int(local.uint16() ?? 0)
        guard let localName = local.bytes(nameLength), local.bytes(extraLength) != nil else {
            throw .corruptEntry(
                path: path, key: key,
                reason: "its local header at offset \(localHeaderOffset) runs past the end "
                    + "of the archive")
        }
        guard localName.elementsEqual(nameBytes) else {
            let text = String(decoding: localName, as: UTF8.self)
            throw .corruptEntry(path: path, key: key, reason: "its local header names it '\(text)'")
        }
        let dataStart = local.offset
        guard compressedSize <= UInt64(local.remaining) else {
            throw .corruptEntry(
                path: path, key: key,
                reason: "its \(compressedSize) bytes of data at offset \(dataStart) run past "
                    + "the end of the \(archive.count)-byte archive")
        }
        // Both sizes are now known to fit in the archive or under the entry limit, hence in `Int`.
        let data = archive[dataStart..<(dataStart + Int(compressedSize))]
        let size = Int(uncompressedSize)
        let contents: ArraySlice<UInt8>
        if method == 0 {
            guard data.count == size else {
                throw .sizeMismatch(path: path, key: key, declared: size, found: data.count)
            }
            contents = data
        } else {
            guard uncompressedSize <= compressedSize * Self.maximumDeflateRatio + Self.maximumDeflateRatio else {
                throw .corruptEntry(
                    path: path, key: key,
                    reason: "the zip directory declares \(uncompressedSize) bytes inflated "
                        + "from \(compressedSize), more than deflate can produce")
            }
            contents = try RawInflate.inflate(data, size: size, path: path, key: key)[...]
        }
        let computed = CRC32.checksum(contents)
        guard computed == crc else { throw .crcMismatch(path: path, key: key, declared: crc, computed: computed) }
        return contents
    }
}

extension ZipDirectory {
    /// The fixed part of a local file header; name and extra field follow.
    static let localHeaderBytes = 30
}
