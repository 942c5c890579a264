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
    /// The header declares a sample dimension of zero or more than `IDX.maximumDimension`.
    case badDimensions(path: String, shape: [Int])
    /// The body holds fewer image bytes than the header's count × the sample's size.
    case truncatedImages(path: String, expected: Int, shape: [Int], bodyBytes: Int)
    /// The body holds fewer labels than the header's count.
    case truncatedLabels(path: String, expected: Int, found: Int)
    /// The file goes on after the last image or label the header declares.
    case trailingBytes(path: String, kind: IDXKind, count: Int, extra: Int)
    /// A label outside `0..<classCount` (a data set that declares its classes, e.g. by `class_names`).
    case badLabel(path: String, index: Int, value: Int, classCount: Int)
    /// An image file and its label file disagree on the number of samples.
    case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
    /// Training and test samples differ in shape.
    case dimensionMismatch(train: String, trainShape: [Int], test: String, testShape: [Int])
    /// The `.npz` archive, or one array in it, could not be read (`NPZError` says why).
    case npz(NPZError)
    /// The `.npz` file has no array `key` (`present`: the keys it has).
    case missingKey(path: String, key: String, present: [String])
    /// The array `key` has a shape the data set cannot use (`reason` says which is needed).
    case badShape(path: String, key: String, shape: [Int], reason: String)
    /// The array `key` has an element type the data set cannot use.
    case wrongDtype(path: String, key: String, descr: String, expected: String)
    /// A float intensity outside [0, 1], or NaN (scale the data to [0, 1] first).
    case badIntensity(path: String, key: String, index: Int, value: Double)
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
            let looksOther = other.ranks.contains { found == other.magic(rank: $0) }
            let hint = looksOther ? "; this looks like a \(other) file" : ""
            let expected =
                kind.ranks.count == 1
                ? hex(kind.magic)
                : "\(hex(kind.magic(rank: kind.ranks.lowerBound)))…\(hex(kind.magic(rank: kind.ranks.upperBound)))"
            return "\(path): bad magic \(hex(found)) (expected \(expected) for \(kind)\(hint))"
        case .truncatedHeader(let path, let kind, let headerBytes, let fileBytes):
            return "\(path): truncated header: an IDX \(kind) header is \(headerBytes) bytes, file holds \(fileBytes)"
        case .badDimensions(let path, let shape):
            return "\(path): bad image dimensions \(dimensions(shape)) (each must be 1...\(IDX.maximumDimension))"
        case .truncatedImages(let path, let expected, let shape, let bodyBytes):
            // Dimensions are validated to 1...IDX.maximumDimension before this case is built: no division by 0.
            let imageBytes = max(1, shape.reduce(1, *))
            let whole = bodyBytes / imageBytes
            let partial = bodyBytes % imageBytes
            let rest = partial == 0 ? "" : " (plus \(partial) of the \(imageBytes) bytes of the next)"
            return "\(path): expected \(expected) images of \(dimensions(shape)), file holds \(whole)\(rest)"
        case .truncatedLabels(let path, let expected, let found):
            return "\(path): expected \(expected) labels, file holds \(found)"
        case .trailingBytes(let path, let kind, let count, let extra):
            return "\(path): \(extra) unexpected bytes after the \(count) \(kind) the header declares"
        case .badLabel(let path, let index, let value, let classCount):
            return "\(path): label \(value) at index \(index) is outside 0...\(classCount - 1)"
        case .countMismatch(let images, let imageCount, let labels, let labelCount):
            return "\(labels): holds \(labelCount) labels but \(images) holds \(imageCount) images"
        case .dimensionMismatch(let train, let trainShape, let test, let testShape):
            return "\(test): images are \(dimensions(testShape)) but the training images (\(train)) are "
                + "\(dimensions(trainShape))"
        case .npz(let error):
            return error.description
        case .missingKey(let path, let key, let present):
            let keys = present.isEmpty ? "none" : present.joined(separator: ", ")
            return "\(path): no array \(key) (the file has: \(keys))"
        case .badShape(let path, let key, let shape, let reason):
            return "\(path): \(key): shape \(pythonShape(shape)): \(reason)"
        case .wrongDtype(let path, let key, let descr, let expected):
            return "\(path): \(key): dtype '\(descr)', expected \(expected)"
        case .badIntensity(let path, let key, let index, let value):
            return "\(path): \(key): value \(value) at flat index \(index) is outside [0, 1] (scale the data to "
                + "[0, 1], or store it as uint8)"
        case .notFound(let searched):
            return "MNIST not found (searched: \(searched.joined(separator: ", ")))."
        }
    }
}

/// `(100, 64)`, `(5,)`, `()`: a shape as NumPy prints it.
func pythonShape(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
}

/// `28×28`: a sample's dimensions as messages write them.
func dimensions(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "×") }

/// `0x00000803`: eight hex digits, as IDX magic numbers are usually written.
private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
