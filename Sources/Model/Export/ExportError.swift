/// Why a network could not be exported.
public enum ExportError: Error, Equatable, CustomStringConvertible {
    /// An archive entry or the archive itself is past what a zip file without the Zip64 extension can describe
    /// (4 GiB less one byte per entry and for every offset, 65,535 entries).
    case tooLargeForZip(entry: String, bytes: Int)
    /// The test images do not fit the network (spike trains were asked for).
    case dataMismatch(reason: String)
    /// The network has a part the format cannot describe.
    case notExportable(reason: String)

    public var description: String {
        switch self {
        case .tooLargeForZip(let entry, let bytes):
            return "\(entry) needs \(bytes) bytes, more than a zip archive without Zip64 can hold (4 GiB)"
        case .dataMismatch(let reason), .notExportable(let reason):
            return reason
        }
    }
}
