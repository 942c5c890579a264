/// The constants of the checkpoint file format, version 1.0 (docs/checkpoint-format.md describes every byte).
///
///     header   "PTRAINCK" | major u16 | minor u16 | header length u32 | inputs u32 | hidden u32 | outputs u32
///              | shards u32 | configuration hash u64 | section count u32 | header CRC32 u32
///     sections tag (4 ASCII bytes) | payload length u64 | payload | CRC32 u32 of tag, length and payload
///
/// All integers and floats little-endian. Version 1.0 writes CONF, CURS, METR, BEST, TIME, WGHT in that order;
/// readers accept any order, skip (after checking their CRC) tags they do not know, and reject a major
/// version other than their own.
public enum CheckpointFormat {
    public static let magic: [UInt8] = Array("PTRAINCK".utf8)
    /// Incompatible layouts change the major version: readers reject any major version but their own.
    public static let major: UInt16 = 1
    /// Compatible additions (new sections, fields appended to a payload or to the header) change the minor version.
    public static let minor: UInt16 = 0
    /// Bytes of the version 1.0 header, its CRC included. Newer minor versions may write a longer header.
    public static let headerLength = 48
    /// Bytes around each section's payload: tag 4, length 8, CRC 4.
    public static let sectionOverhead = 16
    /// How the spike trains and the shuffle are generated (recorded in CURS): 1 = `CounterRNG` keyed by
    /// (seed, stream, epoch, sample, time step) and `EpochOrder.permutation(count:seed:epoch:)`.
    public static let randomScheme: UInt32 = 1

    /// The sections of version 1.0.
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

        public var bytes: [UInt8] { Array(rawValue.utf8) }
    }

    /// CURS payload bytes in version 1.0.
    static let cursorLength = 56
    /// METR bytes per epoch: epoch u32, three f64 accuracies.
    static let metricsRecordLength = 28
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
