#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The kinds of file ptrain writes, recognised by their first bytes, so that no command replaces a file with
/// one of another kind (a checkpoint with a figure, a user's notes with `bench.json`).
public enum FileKind: String, Sendable, CaseIterable {
    // Raw values name the kind in messages, article included.
    case checkpoint = "a ptrain checkpoint"
    case weights = "a ptrain weights file"
    /// A layered network's `model.bin` (`LayeredModelFile`, issue #15).
    case layeredModel = "a layered ptrain model"
    case png = "a PNG image"
    case svg = "an SVG image"
    /// A zip archive: a NumPy `.npz` (`ptrain export --format npz`, `--spikes`).
    case zip = "a zip archive"
    /// An HDF5 file: a NIR graph (`ptrain export --format nir`).
    case hdf5 = "an HDF5 file"
    case json = "a JSON file"
    /// UTF-8 text without NUL bytes (CSV, Markdown, plain text).
    case text = "a text file"

    /// How many leading bytes `identify` looks at.
    static let probeLength = 512

    /// The kind of a file that starts with `prefix`; nil when it is none of them (binary data of another
    /// program, an empty file).
    public static func identify(_ prefix: ArraySlice<UInt8>) -> FileKind? {
        if prefix.starts(with: Array("PTRAINCK".utf8)) { return .checkpoint }
        if prefix.starts(with: Array("PTRW".utf8)) { return .weights }
        if prefix.starts(with: LayeredModelFile.magic) { return .layeredModel }
        if prefix.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        // A zip's first local file header, or the end record of an empty archive (APPNOTE 4.3.7, 4.3.16).
        if prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) || prefix.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return .zip
        }
        // The HDF5 format signature at offset 0, where every file ptrain writes has its superblock.
        if prefix.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) { return .hdf5 }
        // Text is UTF-8 without NUL bytes; the probe may cut a character at its end, so the last 3 bytes may be
        // an incomplete sequence.
        guard !prefix.isEmpty, !prefix.contains(0),
            let text = String(validating: prefix.dropLast(prefix.count >= probeLength ? 3 : 0), as: UTF8.self)
        else { return nil }
        let start = text.drop(while: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" })
        if start.hasPrefix("<svg") || start.hasPrefix("<?xml") { return .svg }
        if start.hasPrefix("{") { return .json }
        return .text
    }

    /// Checks that `path` may be replaced by a file of this kind: it does not exist, or it is a regular file of
    /// the same kind. (A text file may be replaced by text, an SVG by an SVG, and so on.)
    public func requireReplaceable(_ path: String) throws(FileReplaceError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFREG else {
            let found = status.st_mode & S_IFMT == S_IFDIR ? "a directory" : "a special file"
            throw FileReplaceError(path: path, expected: self, found: found)
        }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: Self.probeLength)
        let count = buffer.withUnsafeMutableBytes { raw in read(descriptor, raw.baseAddress, raw.count) }
        guard count > 0 else { return }  // an empty file holds nothing to lose
        let found = Self.identify(buffer[..<count])
        // JSON is text too: a text file may hold JSON and be replaced by text.
        guard found == self || (self == .text && found == .json) else {
            throw FileReplaceError(path: path, expected: self, found: found?.rawValue ?? "another program's file")
        }
    }
}

/// A file that a command would replace holds something else.
public struct FileReplaceError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var expected: FileKind
    /// What the file is (`a ptrain checkpoint`, `a directory`).
    public var found: String

    public init(path: String, expected: FileKind, found: String) {
        self.path = path
        self.expected = expected
        self.found = found
    }

    public var description: String {
        "\(path): exists and is \(found), not \(expected.rawValue); refusing to replace it (move it away or choose "
            + "another path)"
    }
}
