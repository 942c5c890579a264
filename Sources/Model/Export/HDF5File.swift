/// An HDF5 file holding a tree of groups and datasets, in the smallest subset of the HDF5 file format
/// (specification version 3.0, the format of HDF5 1.10 and later) that the HDF5 library, h5py and h5dump read:
///
/// - superblock version 2 at offset 0 (section II.A): 8-byte offsets and lengths, no superblock extension;
/// - version 2 object headers (IV.A.1.b, signature `OHDR`), one chunk each, no times, no attributes;
/// - groups in the "compact" new style: a Link Info message (IV.A.2.c) without a fractal heap, a Group Info
///   message (IV.A.2.k) and one Link message (IV.A.2.g, hard links) per member;
/// - datasets with a Dataspace (IV.A.2.b, version 2), Datatype (IV.A.2.d, version 1), Fill Value (IV.A.2.f,
///   version 3, the library's defaults) and Data Layout message (IV.A.2.i, version 3, contiguous storage);
/// - every checksum (superblock, object headers) Jenkins' lookup3 (`Lookup3.hashLittle`), as section I.C says.
///
/// Objects are laid out children first, each dataset's elements just before its header, and the root group
/// last, so that every address is known when the header that holds it is written; the superblock is filled in
/// at the end. The same tree always gives the same bytes (no times are stored).
public enum HDF5File {
    /// The format signature, `\211HDF\r\n\032\n` (II.A).
    public static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
    /// Superblock version 2: 8 signature, 4 version and size bytes, 4 addresses, 4 checksum.
    static let superblockSize = 48
    /// HDF5's "undefined address", all bits set.
    static let undefinedAddress = UInt64.max

    /// The header message types used (IV.A.2).
    enum MessageType: UInt8 {
        case dataspace = 0x01
        case linkInfo = 0x02
        case datatype = 0x03
        case fillValue = 0x05
        case link = 0x06
        case layout = 0x08
        case groupInfo = 0x0A
    }

    /// The file whose root group holds `members`.
    public static func encode(root members: [HDF5Link]) -> [UInt8] {
        var file = [UInt8](repeating: 0, count: superblockSize)
        let root = write(.group(members), into: &file)
        let end = UInt64(file.count)
        var superblock = signature
        // Version 2, offsets and lengths of 8 bytes, no file consistency flags.
        superblock += [2, 8, 8, 0]
        superblock.appendLittleEndian(UInt64(0))  // base address
        superblock.appendLittleEndian(undefinedAddress)  // superblock extension: none
        superblock.appendLittleEndian(end)  // end-of-file address
        superblock.appendLittleEndian(root)  // root group object header
        superblock.appendLittleEndian(Lookup3.hashLittle(superblock))
        precondition(superblock.count == superblockSize, "superblock is \(superblock.count) bytes")
        file.replaceSubrange(0..<superblockSize, with: superblock)
        return file
    }

    /// Appends `object` (and everything below it) to `file`; returns the address of its object header.
    static func write(_ object: HDF5Object, into file: inout [UInt8]) -> UInt64 {
        switch object {
        case .group(let members):
            let addresses = members.map { write($0.object, into: &file) }
            var messages: [(MessageType, [UInt8])] = [
                (.linkInfo, linkInfo()), (.groupInfo, groupInfo(count: members.count)),
            ]
            for (member, address) in zip(members, addresses) {
                messages.append((.link, link(name: member.name, address: address)))
            }
            return appendHeader(messages, to: &file)
        case .dataset(let dataset):
            let dataAddress = UInt64(file.count)
            file += dataset.bytes
            return appendHeader(
                [
                    (.dataspace, dataspace(dataset.shape)), (.datatype, datatype(dataset.datatype)),
                    (.fillValue, fillValue()),
                    (.layout, contiguousLayout(address: dataAddress, size: dataset.bytes.count)),
                ], to: &file)
        }
    }

    /// A version 2 object header holding `messages` in one chunk (IV.A.1.b): `OHDR`, version 2, flags (bits
    /// 0–1 = 2: the chunk size is a 4-byte field; nothing else stored), the chunk size, each message as type
    /// (1 byte), data size (2), flags (1, none) and data, then the lookup3 checksum of everything before it.
    static func appendHeader(_ messages: [(MessageType, [UInt8])], to file: inout [UInt8]) -> UInt64 {
        let address = UInt64(file.count)
        var chunk: [UInt8] = []
        for (type, data) in messages {
            precondition(data.count <= Int(UInt16.max), "header message of \(data.count) bytes")
            chunk.append(type.rawValue)
            chunk.appendLittleEndian(UInt16(data.count))
            chunk.append(0)
            chunk += data
        }
        var header = Array("OHDR".utf8) + [2, 0b10]
        header.appendLittleEndian(UInt32(chunk.count))
        header += chunk
        header.appendLittleEndian(Lookup3.hashLittle(header))
        file += header
        return address
    }

    /// Link Info (IV.A.2.c): version 0, no creation order, no fractal heap and no name index (every link is
    /// a message of the header: compact storage).
    static func linkInfo() -> [UInt8] {
        var data: [UInt8] = [0, 0]
        data.appendLittleEndian(undefinedAddress)
        data.appendLittleEndian(undefinedAddress)
        return data
    }

    /// Group Info (IV.A.2.k): version 0, flags bit 0, and the phase change values: at most `max(8, count)`
    /// links stay compact (the library's default is 8, which a group of more members would exceed), dense
    /// storage below 6 links (the default).
    static func groupInfo(count: Int) -> [UInt8] {
        var data: [UInt8] = [0, 1]
        data.appendLittleEndian(UInt16(clamping: max(8, count)))
        data.appendLittleEndian(UInt16(6))
        return data
    }

    /// Link (IV.A.2.g): version 1, flags 0 (a hard link, an ASCII name of at most 255 bytes in a 1-byte length
    /// field) or flag bits 0–1 = 1 (a 2-byte length) for longer names, the name, the object header address.
    static func link(name: String, address: UInt64) -> [UInt8] {
        let bytes = Array(name.utf8)
        precondition(!bytes.isEmpty && bytes.count <= Int(UInt16.max), "link name of \(bytes.count) bytes")
        var data: [UInt8] = [1]
        if bytes.count <= Int(UInt8.max) {
            data += [0, UInt8(bytes.count)]
        } else {
            data.append(1)
            data.appendLittleEndian(UInt16(bytes.count))
        }
        data += bytes
        data.appendLittleEndian(address)
        return data
    }

    /// Dataspace (IV.A.2.b), version 2: the rank, no maximum sizes, type 0 (scalar) for rank 0 and 1 (simple)
    /// otherwise, each dimension as an 8-byte length.
    static func dataspace(_ shape: [Int]) -> [UInt8] {
        var data: [UInt8] = [2, UInt8(shape.count), 0, shape.isEmpty ? 0 : 1]
        for dimension in shape { data.appendLittleEndian(UInt64(dimension)) }
        return data
    }

    /// Datatype (IV.A.2.d), version 1: class and version in the first byte, 3 bytes of class bit field, the
    /// size, and the class's properties.
    static func datatype(_ type: HDF5Datatype) -> [UInt8] {
        let version: UInt8 = 1 << 4
        var data: [UInt8]
        switch type {
        case .int64:
            // Class 0 (fixed-point): little-endian, zero padding, signed (bit 3); bit offset 0, precision 64.
            data = [version | 0, 0b1000, 0, 0]
            data.appendLittleEndian(UInt32(8))
            data.appendLittleEndian(UInt16(0))
            data.appendLittleEndian(UInt16(64))
        case .float32, .float64:
            // Class 1 (floating-point): little-endian, zero padding, mantissa normalisation 2 (the most
            // significant bit is implied, bits 4–5), the sign bit's position in bits 8–15; then bit offset,
            // precision, exponent position and size, mantissa position and size, exponent bias: IEEE 754.
            let single = type == .float32
            data = [version | 1, 0b10_0000, single ? 31 : 63, 0]
            data.appendLittleEndian(UInt32(single ? 4 : 8))
            data.appendLittleEndian(UInt16(0))
            data.appendLittleEndian(UInt16(single ? 32 : 64))
            data += single ? [23, 8, 0, 23] : [52, 11, 0, 52]
            data.appendLittleEndian(UInt32(single ? 127 : 1023))
        case .string(let length):
            // Class 3 (string): padding type 1 (null pad) in bits 0–3, character set 1 (UTF-8) in bits 4–7.
            data = [version | 3, 0x11, 0, 0]
            data.appendLittleEndian(UInt32(length))
        }
        return data
    }

    /// Fill Value (IV.A.2.f), version 3: space allocated late (bits 0–1 = 2), the fill value written "if set"
    /// (bits 2–3 = 2), no fill value defined: the library's defaults for a contiguous dataset.
    static func fillValue() -> [UInt8] {
        [3, 0b1010]
    }

    /// Data Layout (IV.A.2.i), version 3, class 1 (contiguous): the address and size of the elements.
    static func contiguousLayout(address: UInt64, size: Int) -> [UInt8] {
        var data: [UInt8] = [3, 1]
        data.appendLittleEndian(address)
        data.appendLittleEndian(UInt64(size))
        return data
    }
}
