import CZlib

/// A zip archive (PKWARE's APPNOTE.TXT, sections 4.3.7 local file header, 4.3.12 central directory header,
/// 4.3.16 end of central directory record) of whole files, each stored or deflated: what `numpy.savez` and
/// `numpy.savez_compressed` write, and what `numpy.load` reads. No Zip64, no encryption, no data descriptors:
/// every size and CRC-32 is known before the entry is written. Entry times are fixed (1980-01-01 00:00, the
/// earliest DOS date) so that the same arrays always give the same bytes.
public struct ZipArchive: Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var bytes: [UInt8]

        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
    }

    public var entries: [Entry] = []

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Zip's compression methods (APPNOTE 4.4.5).
    enum Method: UInt16 {
        case stored = 0
        case deflated = 8
    }

    static let localHeaderSignature: UInt32 = 0x0403_4B50
    static let centralHeaderSignature: UInt32 = 0x0201_4B50
    static let endOfCentralDirectorySignature: UInt32 = 0x0605_4B50
    /// Version 2.0 of the format: what deflate needs (APPNOTE 4.4.3.2).
    static let versionNeeded: UInt16 = 20
    /// Made by a Unix system (upper byte 3), so that the external attributes carry a file mode.
    static let versionMadeBy: UInt16 = 3 << 8 | versionNeeded
    /// A regular file, mode 0644, in the upper half (the Unix convention of Info-ZIP).
    static let externalAttributes: UInt32 = 0o100644 << 16
    /// DOS date of 1980-01-01: (year − 1980) << 9 | month << 5 | day.
    static let dosDate: UInt16 = 1 << 5 | 1
    /// The largest size or offset a 32-bit field holds without Zip64 (0xFFFFFFFF itself means "see Zip64").
    static let maximumSize = Int(UInt32.max) - 1

    /// The archive's bytes. Each entry is deflated (zlib's raw deflate, level `level`) when that is smaller,
    /// stored otherwise.
    /// - Throws: `.tooLargeForZip` when an entry, an offset or the entry count is past the 32-bit format.
    public func encoded(level: Int32 = Z_DEFAULT_COMPRESSION) throws(ExportError) -> [UInt8] {
        guard entries.count <= Int(UInt16.max) else {
            throw .tooLargeForZip(entry: "the archive's \(entries.count) entries", bytes: 0)
        }
        var archive: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            guard entry.bytes.count <= Self.maximumSize, archive.count <= Self.maximumSize else {
                throw .tooLargeForZip(entry: entry.name, bytes: archive.count + entry.bytes.count)
            }
            let crc = CRC32.checksum(entry.bytes)
            let deflated = Self.rawDeflate(entry.bytes, level: level)
            let (method, payload) =
                deflated.count < entry.bytes.count ? (Method.deflated, deflated) : (Method.stored, entry.bytes)
            let name = Array(entry.name.utf8)
            let offset = UInt32(archive.count)
            // Fields shared by the local and the central header, from "version needed" to "extra field length".
            var common: [UInt8] = []
            common.appendLittleEndian(Self.versionNeeded)
            // Bit 11: the name is UTF-8 (APPNOTE 4.4.4, Appendix D); our names are ASCII, which it includes.
            common.appendLittleEndian(UInt16(1 << 11))
            common.appendLittleEndian(method.rawValue)
            common.appendLittleEndian(UInt16(0))  // time 00:00:00
            common.appendLittleEndian(Self.dosDate)
            common.appendLittleEndian(crc)
            common.appendLittleEndian(UInt32(payload.count))
            common.appendLittleEndian(UInt32(entry.bytes.count))
            common.appendLittleEndian(UInt16(name.count))
            common.appendLittleEndian(UInt16(0))  // no extra field

            archive.appendLittleEndian(Self.localHeaderSignature)
            archive += common + name
            archive += payload

            central.appendLittleEndian(Self.centralHeaderSignature)
            central.appendLittleEndian(Self.versionMadeBy)
            central += common
            central.appendLittleEndian(UInt16(0))  // no comment
            central.appendLittleEndian(UInt16(0))  // disk number 0
            central.appendLittleEndian(UInt16(0))  // internal attributes: binary
            central.appendLittleEndian(Self.externalAttributes)
            central.appendLittleEndian(offset)
            central += name
        }
        guard archive.count <= Self.maximumSize, central.count <= Self.maximumSize else {
            throw .tooLargeForZip(entry: "the archive", bytes: archive.count + central.count)
        }
        let centralOffset = UInt32(archive.count)
        archive += central
        archive.appendLittleEndian(Self.endOfCentralDirectorySignature)
        archive.appendLittleEndian(UInt16(0))  // this disk
        archive.appendLittleEndian(UInt16(0))  // the disk holding the central directory
        archive.appendLittleEndian(UInt16(entries.count))
        archive.appendLittleEndian(UInt16(entries.count))
        archive.appendLittleEndian(UInt32(central.count))
        archive.appendLittleEndian(centralOffset)
        archive.appendLittleEndian(UInt16(0))  // no comment
        return archive
    }

    /// Raw deflate (RFC 1951), what zip's method 8 holds: zlib's RFC 1950 stream without its 2-byte header and
    /// 4-byte Adler-32 trailer. `compress2` never sets a preset dictionary (FDICT), so the header is exactly 2
    /// bytes and what lies between is one complete deflate stream.
    static func rawDeflate(_ bytes: [UInt8], level: Int32) -> [UInt8] {
        let stream = Zlib.compress(bytes, level: level)
        return Array(stream[2..<(stream.count - 4)])
    }
}
