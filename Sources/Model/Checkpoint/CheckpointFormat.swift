/// The constants of the checkpoint file format, version 1.4 (docs/checkpoint-format.md describes every byte).
///
///     header   "PTRAINCK" | major u16 | minor u16 | header length u32 | inputs u32 | hidden u32 | outputs u32
///              | shards u32 | configuration hash u64 | section count u32 | header CRC32 u32
///     sections tag (4 ASCII bytes) | payload length u64 | payload | CRC32 u32 of tag, length and payload
///
/// All integers and floats little-endian. Version 1.4 writes CONF, CURS, METR, VALD (with a validation split),
/// BEST, TIME, dATA (when the data fingerprint is known), AVRG (with `averageFrom`), and WGHT for the three-layer
/// network or LAYR for a layered one (issue #15), in that order; readers accept any order. As PNG's chunk names, the case of a
/// tag's first letter says whether a reader may ignore the section: uppercase is *critical* (a reader that does
/// not know it refuses the file, naming it), lowercase *ancillary* (skipped after its CRC is checked). Readers
/// reject a major version other than their own.
public enum CheckpointFormat {
    public static let magic: [UInt8] = Array("PTRAINCK".utf8)
    /// Incompatible layouts change the major version: readers reject any major version but their own.
    public static let major: UInt16 = 1
    /// Compatible additions (new sections, fields appended to a payload or to the header) change the minor version.
    /// 1.1 added the ancillary dATA section and the critical/ancillary rule for tags (1.0 readers skip every
    /// unknown tag; 1.0 files, which hold critical sections only, read unchanged).
    /// 1.2 added the critical VALD section (validation accuracies, which select `best.ckpt` and BEST); a writer
    /// marks a file 1.2 only when it holds a 1.2 section, so files of runs without one keep their 1.1 bytes.
    /// 1.3 added the critical AVRG section (the running weight average of `averageFrom` and its accuracies), on
    /// the same rule: only files that hold it are 1.3.
    /// 1.4 added the critical LAYR section, a layered network's input shape and weights in place of WGHT (a 1.3
    /// reader refuses such a file by its unknown critical section); only layered checkpoints are 1.4.
    public static let minor: UInt16 = 4
    /// The minor version of a file whose newest section is AVRG.
    static let minorWithAverage: UInt16 = 3
    /// The minor version of a file without a section newer than 1.1.
    static let minorWithoutNewSections: UInt16 = 1
    /// The minor version of a file whose newest section is VALD.
    static let minorWithValidation: UInt16 = 2
    /// Bytes of the version 1.0 and 1.1 header, its CRC included. Newer minor versions may write a longer header.
    public static let headerLength = 48
    /// Bytes around each section's payload: tag 4, length 8, CRC 4.
    public static let sectionOverhead = 16
    /// How the spike trains and the shuffle are generated (recorded in CURS): 1 = `CounterRNG` keyed by
    /// (seed, stream, epoch, sample, time step) and `EpochOrder.permutation(count:seed:epoch:)`.
    public static let randomScheme: UInt32 = 1

    /// The sections of version 1.4: the critical ones (uppercase), of which VALD, AVRG, WGHT and LAYR depend on
    /// the configuration, and the ancillary dATA.
    public enum Tag: String, CaseIterable, Sendable {
        /// The resolved configuration as JSON (`config.json`).
        case configuration = "CONF"
        /// The training cursor, without timing.
        case cursor = "CURS"
        /// Accuracies of every finished epoch.
        case metrics = "METR"
        /// Best test spike accuracy and its epoch.
        case best = "BEST"
        /// Wall-clock timing: the cursor's train seconds and every epoch's seconds and samples/s. The only
        /// section that differs between two runs of the same configuration.
        case timing = "TIME"
        /// W1, b1, W2, b2 in canonical order, Float32.
        case weights = "WGHT"
        /// The data fingerprint (`DataFingerprint`): ancillary, and absent from 1.0 files.
        case data = "dATA"
        /// Validation accuracies of every finished epoch (1.2, critical: they choose BEST and `best.ckpt`);
        /// present exactly when the configuration's `validation` is above 0.
        case validation = "VALD"
        /// The running weight average (1.3, critical: a resume without it would restart the average): present
        /// exactly when the configuration's `averageFrom` is above 0.
        case average = "AVRG"
        /// A layered network (1.4, critical; in place of WGHT, exactly when the configuration has `layers`): the
        /// input's rows, columns, channels u32 and whether it is an image u32, then `LayeredNetwork.parameters()`
        /// as Float32 (every layer's weights then biases, HWIO, channels padded to 16 with zeros).
        case layers = "LAYR"

        public var bytes: [UInt8] { Array(rawValue.utf8) }
        /// Critical sections are required in every file; an ancillary one may be absent.
        public var isCritical: Bool { CheckpointFormat.isCritical(bytes[...]) }
        /// The five sections every file has; the others depend on the configuration (WGHT of 1.0, or LAYR) or the
        /// writer.
        public var isRequired: Bool { isCritical && ![.validation, .average, .weights, .layers].contains(self) }
    }

    /// Whether a section with this tag is critical: unless its first byte is a lowercase ASCII letter (bit 5 of
    /// a letter set, as in PNG), a reader that does not know it must refuse the file. Tags that are not letters
    /// at all count as critical, so that nothing unexpected is ignored.
    public static func isCritical(_ tag: ArraySlice<UInt8>) -> Bool {
        guard let first = tag.first else { return true }
        return !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first)
    }

    /// dATA payload bytes in version 1.1: the training part, then the test part, 24 bytes each
    /// (`count u64`, `rows u32`, `columns u32`, `images CRC32 u32`, `labels CRC32 u32`).
    static let dataPartLength = 24
    static let dataLength = 2 * dataPartLength

    /// CURS payload bytes in version 1.0.
    static let cursorLength = 56
    /// METR bytes per epoch: epoch u32, three f64 accuracies.
    static let metricsRecordLength = 28
    /// VALD bytes per epoch: epoch u32, two f64 accuracies.
    static let validationRecordLength = 20
    /// AVRG bytes: first epoch u32, count u32, then per averaged epoch (epoch u32, test spike, test relaxed,
    /// validation spike, validation relaxed f64; NaN validation without a split), then the sums (f64 per
    /// parameter, none while the count is 0).
    static let averageHeaderLength = 8
    static let averageRecordLength = 36
    /// LAYR bytes before the parameters: rows, columns, channels, isImage u32.
    static let layeredShapeLength = 16
    /// BEST payload bytes: epoch u32 (0: none yet), two f64 accuracies.
    static let bestLength = 20
    /// TIME bytes per epoch: seconds f64, samples/s f64.
    static let timingRecordLength = 16

    /// A tag for messages: its ASCII letters, or hex escapes for other bytes (`section 'WG\x00T'`).
    static func displayName(_ tag: ArraySlice<UInt8>) -> String {
        tag.map { byte in
            (0x21...0x7E).contains(byte) && byte != 0x27 && byte != 0x5C
                ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(2, "0")
        }.joined()
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int, _ pad: Character) -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
