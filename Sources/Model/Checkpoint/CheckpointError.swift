/// Why a checkpoint could not be read. Every case names the file, and where it applies the part of the file
/// (`header`, `section WGHT`, `section 3 of 7`); nothing in a file can make the reader trap instead.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file cannot be opened or read: missing, a directory, not a regular file, no permission.
    case unreadable(path: String, reason: String)
    /// The file has no bytes at all.
    case empty(path: String)
    /// The first bytes are not `PTRAINCK`.
    case badMagic(path: String)
    /// A major version this reader does not know (older or newer).
    case unsupportedVersion(path: String, major: UInt16, minor: UInt16)
    /// The file ends before `part` does: `part` needs `needed` more bytes, `available` are left.
    case truncated(path: String, part: String, needed: Int, available: Int)
    /// The stored CRC32 of `part` does not match its bytes.
    case checksumMismatch(path: String, part: String)
    /// A section every checkpoint must have is absent.
    case missingSection(path: String, tag: String)
    /// The sizes in the file disagree with each other or with the data it is used with.
    case shapeMismatch(path: String, reason: String)
    /// A section's bytes passed their CRC but do not decode (wrong length, values out of range, …).
    case malformed(path: String, part: String, reason: String)
    /// A critical section (its tag starts with an uppercase letter, as PNG's chunk names) this reader does not
    /// know: the file was written by a newer ptrain and cannot be used without it.
    case unknownCriticalSection(path: String, tag: String)
    /// The checkpoint was recorded on other data than the data at hand (`recorded` and `actual` are
    /// `DataFingerprint` descriptions, or those of their test parts).
    case otherData(path: String, recorded: String, actual: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read checkpoint: \(reason)"
        case .empty(let path):
            return "\(path): empty file, not a ptrain checkpoint"
        case .badMagic(let path):
            return "\(path): not a ptrain checkpoint (bad magic)"
        case .unsupportedVersion(let path, let major, let minor):
            return "\(path): checkpoint format \(major).\(minor) is not supported (this ptrain reads "
                + "\(CheckpointFormat.major).x)"
        case .truncated(let path, let part, let needed, let available):
            return "\(path): truncated checkpoint: \(part) needs \(needed) bytes, only \(available) left"
        case .checksumMismatch(let path, let part):
            return "\(path): CRC32 mismatch in \(part): the checkpoint is corrupted"
        case .missingSection(let path, let tag):
            return "\(path): checkpoint has no \(tag) section"
        case .shapeMismatch(let path, let reason):
            return "\(path): shape mismatch: \(reason)"
        case .malformed(let path, let part, let reason):
            return "\(path): malformed \(part): \(reason)"
        case .unknownCriticalSection(let path, let tag):
            return "\(path): unknown critical section '\(tag)' (written by a newer ptrain); this reader cannot use "
                + "the file"
        case .otherData(let path, let recorded, let actual):
            return "\(path): recorded on other data: the checkpoint has \(recorded), this data is \(actual)"
        }
    }
}
