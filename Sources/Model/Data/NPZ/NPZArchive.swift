import Foundation

/// A NumPy `.npz` archive, what `numpy.savez` and `numpy.savez_compressed` write: a zip archive (PKWARE's
/// APPNOTE.TXT, version 6.3.10: 4.3.7 local file header, 4.3.12 central directory header, 4.3.14–4.3.16 the
/// zip64 and classic end of central directory records, 4.5.3 the zip64 extra field) of `.npy` files
/// (numpy/lib/format.py, format versions 1.0, 2.0 and 3.0), stored (method 0) or deflated (method 8).
///
/// The archive is read whole into memory and its central directory parsed up front; an array is located,
/// inflated, checked (sizes, CRC-32) and decoded only when `array(_:)` asks for its key, so an entry nobody
/// asks for is never inflated. Keys are entry names without their `.npy` suffix, as in `numpy.load`
/// (`x_train.npy` is `x_train`).
///
/// Reading never traps, whatever the bytes: every offset and length is checked against the bytes present
/// before it is used, nothing is allocated beyond what the file's sizes back (inflated output is bounded by
/// the central directory's size, itself bounded by deflate's largest ratio and `maximumEntryBytes`), and each
/// problem is an `NPZError` naming the archive and the key. The `parse` entry points are the ones to fuzz.
public struct NPZArchive: Sendable {
    /// The most bytes of elements one array may declare: 8 GiB.
    public static let maximumArrayBytes = 8 << 30
    /// The most uncompressed bytes one entry may declare: an array of `maximumArrayBytes` and its header.
    public static let maximumEntryBytes = maximumArrayBytes + NPYHeader.maximumBytes + 12

    /// The path or name given to `read` or `parse`, which starts every error message.
    public let path: String
    let bytes: [UInt8]
    let directory: ZipDirectory
    /// Each key's entry in `directory.entries`.
    let index: [String: Int]

    /// Reads and indexes the archive at `path`; errors name `path` as given.
    public static func read(path: String) throws(NPZError) -> NPZArchive {
        let bytes: [UInt8]
        do {
            bytes = try FileContents.bytes(atPath: path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        return try parse(bytes, name: path)
    }

    /// Indexes the archive `data`; `name` starts every error message.
    public static func parse(_ data: Data, name: String) throws(NPZError) -> NPZArchive {
        try parse([UInt8](data), name: name)
    }

    /// Indexes the archive `bytes`; `name` starts every error message.
    ///
    /// - Throws: `.notZip`, `.truncatedArchive`, `.corruptDirectory` for an archive whose directory cannot be
    ///   read; `.duplicateKey` when two entries have the same key. Entries themselves are checked by `array(_:)`.
    public static func parse(_ bytes: [UInt8], name: String) throws(NPZError) -> NPZArchive {
        let directory = try ZipDirectory(bytes, path: name)
        var index: [String: Int] = [:]
        for (position, entry) in directory.entries.enumerated() {
            let key = Self.key(entry.name)
            guard index[key] == nil else { throw .duplicateKey(path: name, key: key) }
            index[key] = position
        }
        return NPZArchive(path: name, bytes: bytes, directory: directory, index: index)
    }

    /// The keys, in the order of the central directory (for `numpy.savez`, the order of its arguments).
    public func names() -> [String] {
        directory.entries.map { Self.key($0.name) }
    }

    /// The array stored under `key`, read and checked now; nil when the archive has no such key.
    ///
    /// - Throws: an `NPZError` naming the archive and `key` when the entry cannot be extracted (encrypted,
    ///   unsupported method, damaged, CRC-32 mismatch) or is not a `.npy` array this reader decodes.
    public func array(_ key: String) throws(NPZError) -> NPYValue? {
        guard let position = index[key] else { return nil }
        let contents = try directory.entries[position].contents(in: bytes, path: path, key: key)
        return try NPYValue.decode(contents, path: path, key: key)
    }

    /// An entry's key: its name without a trailing `.npy`.
    static func key(_ name: String) -> String {
        name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
    }
}
