/// Why a data set could not be found, read or trusted.
///
/// Every case names the file (or the directories searched), and `description` is one line that starts with
/// that name, so the command line can print `Error: \(error)` and the user knows which file to look at:
///
///     t10k-labels-idx1-ubyte.gz: expected 10000 labels, file holds 9998
///
/// Byte counts in messages are of the decompressed IDX contents when the file is gzip-compressed.
public enum DataError: Error, Equatable, CustomStringConvertible {
    /// The file exists but could not be read (permissions, I/O error, it is a directory…).
    case unreadable(path: String, reason: String)
    /// A directory lacks one of the four MNIST files in every accepted name form.
    case missingFile(directory: String, file: String, tried: [String])
    /// The gzip stream is damaged, truncated or followed by something that is not another gzip member.
    case gzipCorrupt(path: String, reason: String)
    /// The gzip stream inflates to more bytes than its IDX header implies (`expected`, header included);
    /// inflation stopped at `inflated` bytes. `trailerClaim` is the size the last member's trailer states
    /// (mod 2^32): only a claim, but for a one-member file under 4 GiB it is what the whole stream would give.
    case inflatesPastHeader(path: String, expected: Int, inflated: Int, trailerClaim: Int)
    /// The header declares more than `IDX.maximumBytes` bytes of images or labels (`bytes`, header excluded).
    case tooLarge(path: String, kind: IDXKind, count: Int, bytes: Int)
    /// An image file (with its label file) that holds no samples where at least one is needed.
    case empty(path: String, role: String)
    /// The first four bytes are not the IDX magic number of the expected kind.
    case badMagic(path: String, kind: IDXKind, found: UInt32)
    /// The file ends before its IDX header does (`headerBytes` is 16 for images, 8 for labels).
    case truncatedHeader(path: String, kind: IDXKind, headerBytes: Int, fileBytes: Int)
    /// The header declares an image size of zero or more than `IDX.maximumDimension` pixels a side.
    case badDimensions(path: String, rows: Int, columns: Int)
    /// The body holds fewer image bytes than the header's count × rows × columns.
    case truncatedImages(path: String, expected: Int, rows: Int, columns: Int, bodyBytes: Int)
    /// The body holds fewer labels than the header's count.
    case truncatedLabels(path: String, expected: Int, found: Int)
    /// The file goes on after the last image or label the header declares.
    case trailingBytes(path: String, kind: IDXKind, count: Int, extra: Int)
    /// A label outside 0...9.
    case badLabel(path: String, index: Int, value: UInt8)
    /// An image file and its label file disagree on the number of samples.
    case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
    /// Training and test images differ in size.
    case dimensionMismatch(
        train: String, trainRows: Int, trainColumns: Int, test: String, testRows: Int, testColumns: Int)
    /// No directory searched holds the four MNIST files; `searched` lists them, absolute, in the order tried.
    case notFound(searched: [String])

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .missingFile(let directory, let file, let tried):
            return "\(directory): no \(file) file (looked for \(tried.joined(separator: ", ")))"
        case .gzipCorrupt(let path, let reason):
            return "\(path): corrupt gzip data: \(reason)"
        case .inflatesPastHeader(let path, let expected, let inflated, let trailerClaim):
            return "\(path): gzip data inflates past the \(expected) bytes its IDX header implies (stopped at "
                + "\(inflated) bytes; the gzip trailer claims \(trailerClaim))"
        case .tooLarge(let path, let kind, let count, let bytes):
            return "\(path): the header declares \(count) \(kind), \(bytes) bytes: more than the "
                + "\(IDX.maximumBytes)-byte limit of an IDX file"
        case .empty(let path, let role):
            return "\(path): the header declares 0 images: the \(role) set is empty"
        case .badMagic(let path, let kind, let found):
            let other: IDXKind = kind == .images ? .labels : .images
            let hint = found == other.magic ? "; this looks like a \(other) file" : ""
            return "\(path): bad magic \(hex(found)) (expected \(hex(kind.magic)) for \(kind)\(hint))"
        case .truncatedHeader(let path, let kind, let headerBytes, let fileBytes):
            return "\(path): truncated header: an IDX \(kind) header is \(headerBytes) bytes, file holds \(fileBytes)"
        case .badDimensions(let path, let rows, let columns):
            return "\(path): bad image dimensions \(rows)×\(columns) (each side must be 1...\(IDX.maximumDimension))"
        case .truncatedImages(let path, let expected, let rows, let columns, let bodyBytes):
            // rows and columns are validated to 1...IDX.maximumDimension before this case is built: no division by 0.
            let imageBytes = rows * columns
            let whole = bodyBytes / imageBytes
            let partial = bodyBytes % imageBytes
            let rest = partial == 0 ? "" : " (plus \(partial) of the \(imageBytes) bytes of the next)"
            return "\(path): expected \(expected) images of \(rows)×\(columns), file holds \(whole)\(rest)"
        case .truncatedLabels(let path, let expected, let found):
            return "\(path): expected \(expected) labels, file holds \(found)"
        case .trailingBytes(let path, let kind, let count, let extra):
            return "\(path): \(extra) unexpected bytes after the \(count) \(kind) the header declares"
        case .badLabel(let path, let index, let value):
            return "\(path): label \(value) at index \(index) is outside 0...9"
        case .countMismatch(let images, let imageCount, let labels, let labelCount):
            return "\(labels): holds \(labelCount) labels but \(images) holds \(imageCount) images"
        case .dimensionMismatch(let train, let trainRows, let trainColumns, let test, let testRows, let testColumns):
            return "\(test): images are \(testRows)×\(testColumns) but the training images (\(train)) are "
                + "\(trainRows)×\(trainColumns)"
        case .notFound(let searched):
            return "MNIST not found (searched: \(searched.joined(separator: ", ")))."
        }
    }
}

/// `0x00000803`: eight hex digits, as IDX magic numbers are usually written.
private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
