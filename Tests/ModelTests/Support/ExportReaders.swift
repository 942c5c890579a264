import CZlib
import Model

/// Small readers of the formats `Sources/Model/Export` writes, independent of the writers' code, so the tests
/// check the bytes against the formats' specifications rather than against themselves.
enum ExportReaders {
    /// A little-endian unsigned integer of `size` bytes at `offset`.
    static func integer(_ bytes: [UInt8], _ offset: Int, _ size: Int) -> Int {
        var value = 0
        for i in 0..<size { value |= Int(bytes[offset + i]) << (8 * i) }
        return value
    }

    /// One member of a zip archive as its central directory and local header describe it.
    struct ZipMember: Equatable {
        var name: String
        var method: Int
        var crc: UInt32
        var contents: [UInt8]
    }

    /// The members of a zip archive, found through its end of central directory record (APPNOTE 4.3.16) and
    /// central directory (4.3.12); each local header (4.3.7) must agree with its central entry. Nil when
    /// anything is inconsistent.
    static func zipMembers(_ archive: [UInt8]) -> [ZipMember]? {
        let end = archive.count - 22
        guard end >= 0, integer(archive, end, 4) == 0x0605_4B50, integer(archive, end + 20, 2) == 0 else { return nil }
        let count = integer(archive, end + 10, 2)
        var offset = integer(archive, end + 16, 4)
        guard offset + integer(archive, end + 12, 4) == end else { return nil }
        var members: [ZipMember] = []
        for _ in 0..<count {
            guard integer(archive, offset, 4) == 0x0201_4B50 else { return nil }
            let method = integer(archive, offset + 10, 2)
            let crc = UInt32(integer(archive, offset + 16, 4))
            let compressed = integer(archive, offset + 20, 4)
            let size = integer(archive, offset + 24, 4)
            let nameLength = integer(archive, offset + 28, 2)
            let extra = integer(archive, offset + 30, 2)
            let comment = integer(archive, offset + 32, 2)
            let local = integer(archive, offset + 42, 4)
            let name = String(decoding: archive[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            offset += 46 + nameLength + extra + comment
            // The local header repeats method, CRC, sizes and name.
            guard integer(archive, local, 4) == 0x0403_4B50, integer(archive, local + 8, 2) == method,
                integer(archive, local + 14, 4) == Int(crc), integer(archive, local + 18, 4) == compressed,
                integer(archive, local + 22, 4) == size, integer(archive, local + 26, 2) == nameLength,
                Array(archive[(local + 30)..<(local + 30 + nameLength)]) == Array(name.utf8)
            else { return nil }
            let start = local + 30 + nameLength + integer(archive, local + 28, 2)
            let data = Array(archive[start..<(start + compressed)])
            let contents: [UInt8]
            switch method {
            case 0: contents = data
            case 8:
                guard let inflated = inflateRaw(data, size: size) else { return nil }
                contents = inflated
            default: return nil
            }
            members.append(ZipMember(name: name, method: method, crc: crc, contents: contents))
        }
        return members
    }

    /// Raw deflate data (RFC 1951, zip's method 8) inflated to exactly `size` bytes with zlib's `inflate` and
    /// window bits −15; nil when it is not valid or not that size.
    static func inflateRaw(_ data: [UInt8], size: Int) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return nil
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: size + 1)
        var input = data
        let status = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else { return nil }
        return Array(output.prefix(size))
    }

    /// What a tiny HDF5 reader finds at an object header: the names and addresses of a group's links, or a
    /// dataset's shape, element class and size, and elements.
    enum HDF5Found: Equatable {
        case group([String: Int])
        case dataset(shape: [Int], typeClass: Int, elementSize: Int, bytes: [UInt8])
    }

    /// The object whose version 2 header (HDF5 spec IV.A.1.b) starts at `address`, after checking its
    /// signature and lookup3 checksum; nil when anything is off.
    static func hdf5Object(_ file: [UInt8], at address: Int) -> HDF5Found? {
        guard Array(file[address..<(address + 4)]) == Array("OHDR".utf8), file[address + 4] == 2 else { return nil }
        let flags = Int(file[address + 5])
        guard flags & ~0b11 == 0 else { return nil }  // no times, no attribute phase values
        let sizeBytes = 1 << (flags & 0b11)
        let chunk = integer(file, address + 6, sizeBytes)
        let start = address + 6 + sizeBytes
        let checksumAt = start + chunk
        guard Lookup3.hashLittle(Array(file[address..<checksumAt])) == UInt32(integer(file, checksumAt, 4)) else {
            return nil
        }
        var links: [String: Int] = [:]
        var shape: [Int]?
        var typeClass = -1
        var elementSize = 0
        var layout: (address: Int, size: Int)?
        var offset = start
        while offset + 4 <= checksumAt {
            let type = Int(file[offset])
            let size = integer(file, offset + 1, 2)
            let data = Array(file[(offset + 4)..<(offset + 4 + size)])
            switch type {
            case 0x01:
                shape = (0..<Int(data[1])).map { integer(data, 4 + 8 * $0, 8) }
            case 0x03:
                typeClass = Int(data[0] & 0x0F)
                elementSize = integer(data, 4, 4)
            case 0x06:
                // Version 1, flags with a 1-byte name length, no creation order, type or charset: a hard link.
                guard data[0] == 1, data[1] == 0 else { return nil }
                let length = Int(data[2])
                links[String(decoding: data[3..<(3 + length)], as: UTF8.self)] = integer(data, 3 + length, 8)
            case 0x08:
                guard data[0] == 3, data[1] == 1 else { return nil }
                layout = (integer(data, 2, 8), integer(data, 10, 8))
            default: break
            }
            offset += 4 + size
        }
        if let shape, let layout {
            return .dataset(
                shape: shape, typeClass: typeClass, elementSize: elementSize,
                bytes: Array(file[layout.address..<(layout.address + layout.size)]))
        }
        return .group(links)
    }

    /// The object at `path` (`node/nodes/fc1/weight`) of a file whose superblock (version 2 or 3) names the
    /// root group.
    static func hdf5Object(_ file: [UInt8], path: String) -> HDF5Found? {
        guard Array(file.prefix(8)) == HDF5File.signature else { return nil }
        var address = integer(file, 36, 8)
        for name in path.split(separator: "/") {
            guard case .group(let links) = hdf5Object(file, at: address), let next = links[String(name)] else {
                return nil
            }
            address = next
        }
        return hdf5Object(file, at: address)
    }

    /// The floats of a float32 dataset at `path`.
    static func hdf5Floats(_ file: [UInt8], path: String) -> (shape: [Int], values: [Float])? {
        guard case .dataset(let shape, 1, 4, let bytes) = hdf5Object(file, path: path) else { return nil }
        let values = stride(from: 0, to: bytes.count, by: 4).map {
            Float(bitPattern: UInt32(integer(bytes, $0, 4)))
        }
        return (shape, values)
    }

    /// The text of a fixed-length string dataset at `path`, NUL padding removed.
    static func hdf5String(_ file: [UInt8], path: String) -> String? {
        guard case .dataset(_, 3, _, let bytes) = hdf5Object(file, path: path) else { return nil }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The names of the group at `path`, sorted.
    static func hdf5Names(_ file: [UInt8], path: String) -> [String]? {
        guard case .group(let links) = hdf5Object(file, path: path) else { return nil }
        return links.keys.sorted()
    }
}
