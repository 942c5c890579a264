/// The central directory of a zip archive held in memory (PKWARE's APPNOTE.TXT 6.3.10): found through the end of
/// central directory record (4.3.16) and, when there is one, the zip64 end of central directory locator (4.3.15)
/// and record (4.3.14); sizes and offsets past 32 bits come from each entry's zip64 extended information extra
/// field (4.5.3). Only the directory is read here; an entry's local header and data are read by
/// `ZipDirectory.Entry.contents(in:path:key:)` when its bytes are asked for.
///
/// Reading never traps: every offset and length is checked against the bytes present before it is used, and the
/// entry count against the directory's size before anything is reserved.
struct ZipDirectory: Sendable {
    /// One central directory header (APPNOTE 4.3.12), with the zip64 extra field applied.
    struct Entry: Sendable, Equatable {
        /// The name as stored (UTF-8 when general-purpose bit 11 is set, otherwise what the writer used).
        var nameBytes: [UInt8]
        /// The name, decoded as UTF-8 (invalid sequences become U+FFFD).
        var name: String
        /// General-purpose bit flags (APPNOTE 4.4.4).
        var flags: UInt16
        /// Compression method (APPNOTE 4.4.5).
        var method: UInt16
        var crc: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        /// Where the entry's local file header starts.
        var localHeaderOffset: UInt64
    }

    var entries: [Entry]

    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    static let centralHeaderSignature: UInt32 = 0x0201_4B50
    static let localHeaderSignature: UInt32 = 0x0403_4B50
    /// The fixed part of the end of central directory record; a comment of up to `UInt16.max` bytes follows.
    static let endRecordBytes = 22
    static let zip64LocatorBytes = 20
    /// The zip64 end of central directory record without its extensible data sector.
    static let zip64EndRecordBytes = 56
    /// The fixed part of a central directory header; name, extra field and comment follow.
    static let centralHeaderBytes = 46
    /// The header ID of the zip64 extended information extra field (APPNOTE 4.5.2).
    static let zip64ExtraID: UInt16 = 0x0001
    /// What a 16-bit count or a 32-bit size or offset holds when the real value is in a zip64 record.
    static let sentinel16 = UInt16.max
    static let sentinel32 = UInt32.max

    /// The central directory of the archive `bytes`; `path` names it in errors.
    init(_ bytes: [UInt8], path: String) throws(NPZError) {
        guard let end = Self.endRecordOffset(bytes) else {
            let startsLikeZip = ByteReader(bytes: bytes).uint32Copy() == Self.localHeaderSignature
            throw startsLikeZip ? .truncatedArchive(path: path) : .notZip(path: path)
        }
        // The record was found with its 22 bytes inside `bytes`: these reads cannot fail.
        var record = ByteReader(bytes: bytes, offset: end + 4)
        let disk = UInt32(record.uint16() ?? 0)
        let directoryDisk = UInt32(record.uint16() ?? 0)
        _ = record.uint16()  // entries on this disk
        var entryCount = UInt64(record.uint16() ?? 0)
        var directorySize = UInt64(record.uint32() ?? 0)
        var directoryOffset = UInt64(record.uint32() ?? 0)
        var disks = (disk, directoryDisk)
        // The directory must end where the record that describes it starts.
        var directoryLimit = end

        let locator = end - Self.zip64LocatorBytes
        if locator >= 0, ByteReader(bytes: bytes, offset: locator).uint32Copy() == Self.zip64LocatorSignature {
            let zip64 = try Self.zip64EndRecord(bytes, locator: locator, path: path)
            var reader = ByteReader(bytes: bytes, offset: zip64 + 16)
            disks = (reader.uint32() ?? 0, reader.uint32() ?? 0)
            _ = reader.uint64()  // entries on this disk
            entryCount = reader.uint64() ?? 0
            directorySize = reader.uint64() ?? 0
            directoryOffset = reader.uint64() ?? 0
            directoryLimit = zip64
        }
        guard disks == (0, 0) else {
            throw .corruptDirectory(
                path: path,
                reason: "the archive spans several disks (disk \(disks.0), directory on disk "
                    + "\(disks.1)), which is not supported")
        }
        guard directoryOffset <= UInt64(directoryLimit), directorySize <= UInt64(directoryLimit) - directoryOffset
        else {
            throw .corruptDirectory(
                path: path,
                reason: "the central directory (\(directorySize) bytes at offset \(directoryOffset)) "
                    + "does not end before its end record at offset \(directoryLimit)")
        }
        guard entryCount <= directorySize / UInt64(Self.centralHeaderBytes) else {
            throw .corruptDirectory(
                path: path,
                reason: "\(entryCount) entries declared, the \(directorySize)-byte central "
                    + "directory holds at most \(directorySize / UInt64(Self.centralHeaderBytes))")
        }
        // Both are at most `directoryLimit < bytes.count`, checked just above: the conversions cannot trap.
        var reader = ByteReader(
            bytes: bytes, offset: Int(directoryOffset), end: Int(directoryOffset) + Int(directorySize))
        var entries: [Entry] = []
        entries.reserveCapacity(Int(entryCount))
        for index in 0..<Int(entryCount) {
            entries.append(try Self.entry(&reader, number: index + 1, of: Int(entryCount), path: path))
        }
        self.entries = entries
    }

    /// The offset of the end of central directory record: the last signature, scanning back from the end, whose
    /// comment length reaches exactly to the end of `bytes`; failing that (bytes appended after the archive),
    /// the last signature whose record and comment fit. Nil when there is none.
    static func endRecordOffset(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= endRecordBytes else { return nil }
        let lowest = max(0, bytes.count - endRecordBytes - Int(UInt16.max))
        var fallback: Int?
        for offset in stride(from: bytes.count - endRecordBytes, through: lowest, by: -1) {
            // `offset + endRecordBytes <= bytes.count`, so the signature and the comment length are inside.
            guard bytes[offset] == 0x50, bytes[offset + 1] == 0x4B, bytes[offset + 2] == 5, bytes[offset + 3] == 6
            else { continue }
            let commentBytes = Int(bytes[offset + 20]) | Int(bytes[offset + 21]) << 8
            let recordEnd = offset + endRecordBytes + commentBytes
            if recordEnd == bytes.count { return offset }
            if fallback == nil, recordEnd <= bytes.count { fallback = offset }
        }
        return fallback
    }

    /// The offset of the zip64 end of central directory record that the locator at `locator` points to; when it
    /// points elsewhere (data prepended to the archive shifts every offset), the record right before the
    /// locator, where every writer puts it.
    static func zip64EndRecord(_ bytes: [UInt8], locator: Int, path: String) throws(NPZError) -> Int {
        var reader = ByteReader(bytes: bytes, offset: locator + 4)
        let disk = reader.uint32() ?? 0
        let stated = reader.uint64() ?? 0
        let diskCount = reader.uint32() ?? 0
        guard disk == 0, diskCount <= 1 else {
            throw .corruptDirectory(
                path: path,
                reason: "the archive spans \(diskCount) disks (zip64 record on disk \(disk)), which is "
                    + "not supported")
        }
        // The latest offset at which a whole record fits before the locator.
        let latest = locator - zip64EndRecordBytes
        if latest >= 0 {
            for candidate in [stated, UInt64(latest)] where candidate <= UInt64(latest) {
                // `candidate <= latest < bytes.count`: the conversion cannot trap.
                if ByteReader(bytes: bytes, offset: Int(candidate)).uint32Copy() == zip64EndSignature {
                    return Int(candidate)
                }
            }
        }
        throw .corruptDirectory(
            path: path,
            reason: "the zip64 locator points to offset \(stated), which holds no zip64 end of central "
                + "directory record")
    }

    /// The central directory header at `reader`'s offset, which moves past it.
    static func entry(_ reader: inout ByteReader, number: Int, of count: Int, path: String) throws(NPZError) -> Entry {
        let start = reader.offset
        let truncated = NPZError.corruptDirectory(
            path: path, reason: "central directory entry \(number) of \(count) runs past the directory's end")
        guard reader.remaining >= centralHeaderBytes else { throw truncated }
        guard reader.uint32() == centralHeaderSignature else {
            throw .corruptDirectory(
                path: path,
                reason: "central directory entry \(number) of \(count) (offset \(start)) lacks the "
                    + "central file header signature")
        }
        // `remaining >= centralHeaderBytes` was checked: the fixed fields below are all present.
        _ = reader.uint16()  // version made by
        _ = reader.uint16()  // version needed to extract
        let flags = reader.uint16() ?? 0
        let method = reader.uint16() ?? 0
        _ = reader.uint32()  // modification time and date
        let crc = reader.uint32() ?? 0
        let compressed32 = reader.uint32() ?? 0
        let uncompressed32 = reader.uint32() ?? 0
        let nameLength = Int(reader.uint16() ?? 0)
        let extraLength = Int(reader.uint16() ?? 0)
        let commentLength = Int(reader.uint16() ?? 0)
        let startDisk = reader.uint16() ?? 0
        _ = reader.uint16()  // internal attributes
        _ = reader.uint32()  // external attributes
        let offset32 = reader.uint32() ?? 0
        guard let name = reader.bytes(nameLength), let extra = reader.bytes(extraLength),
            reader.bytes(commentLength) != nil
        else { throw truncated }

        var compressed = UInt64(compressed32)
        var uncompressed = UInt64(uncompressed32)
        var offset = UInt64(offset32)
        var disk = UInt32(startDisk)
        if let zip64 = zip64Field(extra) {
            // The field holds, in this order, only the values whose 32-bit (16-bit) fields are saturated.
            var field = ByteReader(bytes: Array(zip64))
            let tooShort = NPZError.corruptDirectory(
                path: path,
                reason: "central directory entry \(number) of \(count): the zip64 extra field holds "
                    + "\(zip64.count) bytes, too few for the saturated fields")
            if uncompressed32 == sentinel32 {
                guard let value = field.uint64() else { throw tooShort }
                uncompressed = value
            }
            if compressed32 == sentinel32 {
                guard let value = field.uint64() else { throw tooShort }
                compressed = value
            }
            if offset32 == sentinel32 {
                guard let value = field.uint64() else { throw tooShort }
                offset = value
            }
            if startDisk == sentinel16 {
                guard let value = field.uint32() else { throw tooShort }
                disk = value
            }
        }
        let nameBytes = Array(name)
        let text = String(decoding: nameBytes, as: UTF8.self)
        guard disk == 0 else {
            throw .corruptDirectory(
                path: path, reason: "entry '\(text)' starts on disk \(disk); multi-disk archives are not supported")
        }
        return Entry(
            nameBytes: nameBytes, name: text, flags: flags, method: method, crc: crc, compressedSize: compressed,
            uncompressedSize: uncompressed, localHeaderOffset: offset)
    }

    /// The data of the zip64 extended information field in an extra field, nil when there is none. A record
    /// that runs past the end stops the search (some writers pad the extra field), as Info-ZIP's unzip does.
    static func zip64Field(_ extra: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var reader = ByteReader(bytes: Array(extra))
        while let id = reader.uint16(), let size = reader.uint16(), let data = reader.bytes(Int(size)) {
            if id == zip64ExtraID { return data }
        }
        return nil
    }
}

extension ByteReader {
    /// The little-endian `UInt32` at the offset, without moving it (nil past the end).
    func uint32Copy() -> UInt32? {
        var copy = self
        return copy.uint32()
    }
}
