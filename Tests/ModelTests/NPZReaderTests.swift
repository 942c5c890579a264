import Foundation
import Model
import Testing

/// `NPZArchive`: archives from ptrain's own writers (`ZipArchive`, `NPYArray`), from NumPy itself
/// (`NPZFixtures`), and crafted byte by byte (zip64, `.npy` 2.0, big-endian, header forms, damage).
@Suite struct NPZReaderTests {
    static let name = "data.npz"

    /// A `.npy` file of format `major`.0 around the header dictionary `header` (padded with spaces to a
    /// multiple of 64 bytes, ended by a newline, as NumPy writes it) and the element bytes `data`.
    static func npy(_ header: String, _ data: [UInt8], major: UInt8 = 1) -> [UInt8] {
        let lengthBytes = major == 1 ? 2 : 4
        var text = Array(header.utf8)
        let prefix = 8 + lengthBytes
        text += [UInt8](repeating: 0x20, count: (64 - (prefix + text.count + 1) % 64) % 64) + [0x0A]
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
        for index in 0..<lengthBytes { bytes.append(UInt8(truncatingIfNeeded: text.count >> (8 * index))) }
        return bytes + text + data
    }

    /// A zip archive of `entries` by `ZipArchive`: level 0 stores every entry, other levels deflate those that
    /// shrink.
    static func zip(_ entries: [(String, [UInt8])], level: Int32 = -1) throws -> [UInt8] {
        try ZipArchive(entries: entries.map { ZipArchive.Entry(name: $0.0, bytes: $0.1) }).encoded(level: level)
    }

    /// The error reading `archive` (and then the array `key`, if given) throws; nil when it reads.
    static func failure(_ archive: [UInt8], key: String? = nil) -> NPZError? {
        do throws(NPZError) {
            let parsed = try NPZArchive.parse(archive, name: name)
            if let key { _ = try parsed.array(key) }
            return nil
        } catch {
            return error
        }
    }

    /// The one-entry archive of `npy` under `x.npy`, read back as `x`.
    static func readOne(_ npy: [UInt8]) throws -> NPYValue? {
        try NPZArchive.parse(try zip([("x.npy", npy)]), name: name).array("x")
    }

    static func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { value in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    }

    /// Where the central directory starts (the classic end record's field, for archives without a comment).
    static func centralDirectory(_ archive: [UInt8]) -> Int {
        (0..<4).reduce(0) { $0 | Int(archive[archive.count - 6 + $1]) << (8 * $1) }
    }

    static let ptrainArrays: [(String, NPYArray)] = [
        ("weights", NPYArray(shape: [2, 3], .float32([0.5, -1, 2.25, 0, 1e-7, -3.5]))),
        ("labels", NPYArray(shape: [4], .int32([0, -7, Int32.max, Int32.min]))),
        ("pixels", NPYArray(shape: [2, 2, 2], .uint8([0, 1, 2, 3, 252, 253, 254, 255]))),
        ("title", NPYArray.scalar("spikes → ρ")),
        ("zeros", NPYArray(shape: [64, 32], .float32([Float](repeating: 0, count: 2048)))),
    ]

    static func expected(_ array: NPYArray) -> NPYValue.Storage {
        switch array.elements {
        case .float32(let values): return .float32(values)
        case .int32(let values): return .integers(values.map(Int64.init))
        case .uint8(let values): return .uint8(values)
        case .unicode(let text): return .strings([text])
        }
    }

    @Test(arguments: [0, 9] as [Int32])
    func roundTripThroughPtrainsWriters(level: Int32) throws {
        let archive = try Self.zip(Self.ptrainArrays.map { ($0.0 + ".npy", $0.1.encoded()) }, level: level)
        let methods = ExportReaders.zipMembers(archive)?.map(\.method)
        #expect(level == 0 ? methods == [0, 0, 0, 0, 0] : methods?.contains(8) == true)
        let parsed = try NPZArchive.parse(archive, name: Self.name)
        #expect(parsed.names() == Self.ptrainArrays.map(\.0))
        for (key, array) in Self.ptrainArrays {
            let value = try #require(try parsed.array(key))
            #expect(value.shape == array.shape)
            #expect(value.storage == Self.expected(array), "\(key)")
        }
        #expect(try parsed.array("missing") == nil)
        #expect(try parsed.array("weights.npy") == nil)
    }

    @Test func readsAFileFromDisk() throws {
        let archive = try Self.zip([("y.npy", NPYArray(shape: [2], .int32([3, 4])).encoded())])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ptrain-\(UUID().uuidString).npz")
        try Data(archive).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let read = try NPZArchive.read(path: path.path)
        #expect(read.path == path.path)
        #expect(try read.array("y")?.storage == .integers([3, 4]))
        let missing = path.path + ".absent"
        #expect(throws: NPZError.unreadable(path: missing, reason: "no such file")) {
            try NPZArchive.read(path: missing)
        }
    }

    /// NumPy's `savez` and `savez_compressed` output (see `NPZFixtures` for the command).
    @Test(arguments: ["savez", "savez_compressed"])
    func readsNumPysOutput(writer: String) throws {
        let base64 = writer == "savez" ? NPZFixtures.savez : NPZFixtures.savezCompressed
        let parsed = try NPZArchive.parse(NPZFixtures.bytes(base64), name: Self.name)
        #expect(parsed.names() == ["x_train", "y_train", "x_test", "y_test", "class_names"])
        let xTrain = try #require(try parsed.array("x_train"))
        #expect(xTrain.shape == [3, 2, 2])
        #expect(xTrain.descr == "|u1")
        #expect(xTrain.storage == .uint8((0..<12).map { UInt8($0 * 20) }))
        let yTrain = try #require(try parsed.array("y_train"))
        #expect(yTrain.shape == [3] && yTrain.descr == "<i8")
        #expect(yTrain.storage == .integers([0, 2, 1]))
        let xTest = try #require(try parsed.array("x_test"))
        #expect(xTest.shape == [2, 2] && xTest.descr == "<f4")
        #expect(xTest.storage == .float32([0.5, -1.25, 3.0, 1e-3]))
        #expect(try parsed.array("y_test") == NPYValue.Storage.uint8([2, 0]).value(shape: [2], descr: "|u1"))
        let classes = try #require(try parsed.array("class_names"))
        #expect(classes.shape == [3] && classes.descr == "<U3")
        #expect(classes.storage == .strings(["cat", "dog", "ému"]))
    }

    // MARK: Zip structure

    @Test func zip64ArchiveBuiltByHand() throws {
        let npy = NPYArray(shape: [3], .int32([7, 8, 9])).encoded()
        let name = Array("big.npy".utf8)
        let crc = CRC32.checksum(npy)
        var archive: [UInt8] = []
        archive.append(contentsOf: Self.littleEndian([UInt32(0x0403_4B50)]))
        archive += Self.littleEndian([UInt16(45), 0, 0, 0, 0])  // version, flags, method, time, date
        archive += Self.littleEndian([crc, UInt32.max, UInt32.max])
        archive += Self.littleEndian([UInt16(name.count), 20]) + name
        archive += Self.littleEndian([UInt16(1), 16]) + Self.littleEndian([UInt64(npy.count), UInt64(npy.count)])
        archive += npy
        let centralOffset = archive.count
        archive += Self.littleEndian([UInt32(0x0201_4B50)])
        archive += Self.littleEndian([UInt16(45), 45, 0, 0, 0, 0])  // made by, needed, flags, method, time, date
        archive += Self.littleEndian([crc, UInt32.max, UInt32.max])
        archive += Self.littleEndian([UInt16(name.count), 28, 0, 0, 0])  // name, extra, comment, disk, internal
        archive += Self.littleEndian([UInt32(0), UInt32.max]) + name  // external attributes, local header offset
        // The zip64 extra field: uncompressed size, compressed size, local header offset (the saturated fields).
        archive += Self.littleEndian([UInt16(1), 24]) + Self.littleEndian([UInt64(npy.count), UInt64(npy.count), 0])
        let centralSize = archive.count - centralOffset
        let zip64End = archive.count
        archive += Self.littleEndian([UInt32(0x0606_4B50)]) + Self.littleEndian([UInt64(44)])
        archive += Self.littleEndian([UInt16(45), 45]) + Self.littleEndian([UInt32(0), 0])
        archive += Self.littleEndian([UInt64(1), 1, UInt64(centralSize), UInt64(centralOffset)])
        archive += Self.littleEndian([UInt32(0x0706_4B50), 0]) + Self.littleEndian([UInt64(zip64End)])
        archive += Self.littleEndian([UInt32(1)])
        let comment = Array("zip64 by hand".utf8)
        archive += Self.littleEndian([UInt32(0x0605_4B50)]) + Self.littleEndian([UInt16.max, .max, .max, .max])
        archive += Self.littleEndian([UInt32.max, UInt32.max]) + Self.littleEndian([UInt16(comment.count)]) + comment

        let parsed = try NPZArchive.parse(archive, name: Self.name)
        #expect(parsed.names() == ["big"])
        #expect(try parsed.array("big") == NPYValue.Storage.integers([7, 8, 9]).value(shape: [3], descr: "<i4"))
    }

    @Test func notAZipArchive() {
        #expect(
            Self.failure(Array("just some bytes, no zip here".utf8))?.description
                == "data.npz: not a zip archive (no end of central directory record)")
        #expect(Self.failure([])?.description == "data.npz: not a zip archive (no end of central directory record)")
    }

    @Test func truncatedArchive() throws {
        let archive = try Self.zip([("x.npy", NPYArray(shape: [2], .int32([1, 2])).encoded())])
        for kept in [archive.count - 1, archive.count - 30, 40] {
            #expect(
                Self.failure(Array(archive.prefix(kept)))?.description
                    == "data.npz: truncated zip archive (it starts with a local file header but has no end of central "
                    + "directory record)")
        }
    }

    @Test func centralDirectoryOutsideTheFile() throws {
        var archive = try Self.zip([("x.npy", NPYArray(shape: [2], .int32([1, 2])).encoded())])
        archive[archive.count - 3] = 0x7F  // the central directory's offset, high byte
        let offset = Self.centralDirectory(archive)
        #expect(
            Self.failure(archive)?.description
                == "data.npz: corrupt zip directory: the central directory (51 bytes at offset \(offset)) does not end "
                + "before its end record at offset \(archive.count - 22)")
    }

    @Test func crcMismatchInAStoredEntry() throws {
        let npy = NPYArray(shape: [4], .int32([1, 2, 3, 4])).encoded()
        var archive = try Self.zip([("x_train.npy", npy)], level: 0)
        var damaged = npy
        damaged[damaged.count - 1] ^= 0x40
        archive[30 + "x_train.npy".utf8.count + npy.count - 1] ^= 0x40
        let declared = String(CRC32.checksum(npy), radix: 16)
        let computed = String(CRC32.checksum(damaged), radix: 16)
        let pad = { (hex: String) in String(repeating: "0", count: 8 - hex.count) + hex }
        #expect(
            Self.failure(archive, key: "x_train")?.description
                == "data.npz: x_train: CRC-32 mismatch (the zip directory declares 0x\(pad(declared)), the data's is "
                + "0x\(pad(computed)))")
    }

    @Test func corruptDeflateData() throws {
        let npy = NPYArray(shape: [64, 32], .float32([Float](repeating: 0, count: 2048))).encoded()
        var archive = try Self.zip([("x_train.npy", npy)])
        // The first byte of the deflate data: final block of the reserved type 3.
        archive[30 + "x_train.npy".utf8.count] = 0xFF
        #expect(
            Self.failure(archive, key: "x_train")?.description
                == "data.npz: x_train: deflate data is corrupt (invalid block type)")
    }

    /// Central directory fields overwritten: method, flags, uncompressed size.
    @Test func entriesTheDirectoryMisdescribes() throws {
        let npy = NPYArray(shape: [64, 32], .float32([Float](repeating: 0, count: 2048))).encoded()
        let archive = try Self.zip([("x.npy", npy)])
        let central = Self.centralDirectory(archive)
        var encrypted = archive
        encrypted[central + 8] |= 1
        #expect(Self.failure(encrypted, key: "x")?.description == "data.npz: x: encrypted entries are not supported")
        var bzip2 = archive
        bzip2[central + 10] = 12
        #expect(
            Self.failure(bzip2, key: "x")?.description
                == "data.npz: x: compression method 12 is not supported (only 0, stored, and 8, deflate)")
        // The central header's uncompressed size (offset 24), 16 bytes short of the real one, then 16 over.
        var short = archive
        short.replaceSubrange((central + 24)..<(central + 28), with: Self.littleEndian([UInt32(npy.count - 16)]))
        #expect(
            Self.failure(short, key: "x")?.description
                == "data.npz: x: deflate data inflates past the \(npy.count - 16) bytes the zip directory declares")
        var long = archive
        long.replaceSubrange((central + 24)..<(central + 28), with: Self.littleEndian([UInt32(npy.count + 16)]))
        #expect(
            Self.failure(long, key: "x")?.description
                == "data.npz: x: the zip directory declares \(npy.count + 16) bytes, the entry holds \(npy.count)")
        #expect(Self.failure(archive, key: "x") == nil)
    }

    /// Entry names are the archive's bytes: control characters in them are escaped, the message stays one line.
    @Test func controlCharactersInNamesAreEscaped() throws {
        let archive = try Self.zip([("bad\nname\u{7}.npy", Array("not npy".utf8))])
        let parsed = try NPZArchive.parse(archive, name: Self.name)
        #expect(parsed.names() == ["bad\nname\u{7}"])
        let found = Self.failure(archive, key: "bad\nname\u{7}")?.description
        #expect(found == #"data.npz: bad\nname\u{07}: not a .npy array (no \x93NUMPY magic)"#)
    }

    @Test func duplicateKeys() throws {
        let npy = NPYArray(shape: [1], .uint8([1])).encoded()
        #expect(
            Self.failure(try Self.zip([("a.npy", npy), ("a", npy)]))?.description
                == "data.npz: a: more than one entry has this key")
    }

    // MARK: .npy contents

    @Test func notAnNPYEntry() throws {
        #expect(
            Self.failure(try Self.zip([("x.npy", Array("hello, world".utf8))]), key: "x")?.description
                == "data.npz: x: not a .npy array (no \\x93NUMPY magic)")
        let future = [0x93] + Array("NUMPY".utf8) + [4, 0, 0, 0]
        #expect(
            Self.failure(try Self.zip([("x.npy", future)]), key: "x")?.description
                == "data.npz: x: unsupported .npy format version 4.0 (1.0, 2.0 and 3.0 are read)")
    }

    @Test func unsupportedDtypes() throws {
        let object = Self.npy(
            "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", [UInt8](repeating: 0, count: 16))
        #expect(
            Self.failure(try Self.zip([("y_train.npy", object)]), key: "y_train")?.description
                == "data.npz: y_train: unsupported dtype '|O' (pickled object arrays are not supported)")
        let half = Self.npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", [0, 0, 0, 0])
        #expect(
            Self.failure(try Self.zip([("h.npy", half)]), key: "h")?.description
                == "data.npz: h: unsupported dtype '<f2'")
        let structured = Self.npy(
            "{'descr': [('a', '<i4'), ('b', '<f4')], 'fortran_order': False, 'shape': (1,), }",
            [UInt8](repeating: 0, count: 8))
        #expect(
            Self.failure(try Self.zip([("s.npy", structured)]), key: "s")?.description
                == "data.npz: s: unsupported dtype '[…]' (structured arrays are not supported)")
    }

    @Test func shapeAndByteCountDisagree() throws {
        let truncated = Self.npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (100, 64), }", [UInt8](repeating: 0, count: 25000))
        #expect(
            Self.failure(try Self.zip([("x_train.npy", truncated)]), key: "x_train")?.description
                == "data.npz: x_train: truncated: the header declares shape (100, 64) of <f4 (25600 bytes), the entry "
                + "holds 25000")
        let long = Self.npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", [1, 2, 3, 4])
        #expect(
            Self.failure(try Self.zip([("x.npy", long)]), key: "x")?.description
                == "data.npz: x: 1 byte after the shape (3,) of |u1 (3 bytes) the header declares")
        let huge = Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", [])
        #expect(
            Self.failure(try Self.zip([("x.npy", huge)]), key: "x")?.description
                == "data.npz: x: the header declares shape (4294967296, 4294967296) of <f8, more than the "
                + "8589934592-byte limit of an array")
    }

    @Test func fortranOrder() throws {
        let matrix = Self.npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", [1, 2, 3, 4, 5, 6])
        #expect(
            Self.failure(try Self.zip([("x.npy", matrix)]), key: "x")?.description
                == "data.npz: x: the array of shape (2, 3) is in Fortran (column-major) order, which is not supported "
                + "(save np.ascontiguousarray(a) instead)")
        // One dimension longer than 1: both orders are the same bytes.
        let row = Self.npy("{'descr': '|u1', 'fortran_order': True, 'shape': (1, 3), }", [1, 2, 3])
        #expect(try Self.readOne(row) == NPYValue.Storage.uint8([1, 2, 3]).value(shape: [1, 3], descr: "|u1"))
    }

    @Test func headerDictionaryForms() throws {
        let data = Self.littleEndian([Float(1), 2, 3, 4, 5, 6].map(\.bitPattern))
        let forms = [
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
            "{\"shape\": (2, 3), \"fortran_order\": False, \"descr\": \"<f4\"}",
            "{'descr':'<f4','fortran_order':False,'shape':(2L,3L,),}",
            " {\n 'fortran_order' : False ,\t'shape' : ( 2 , 3 ) , 'descr' : '<f4' , } ",
        ]
        for form in forms {
            #expect(try Self.readOne(Self.npy(form, data))?.storage == .float32([1, 2, 3, 4, 5, 6]), "\(form)")
            #expect(try Self.readOne(Self.npy(form, data))?.shape == [2, 3], "\(form)")
        }
        let scalar = Self.npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", Self.littleEndian([Double(2.5).bitPattern]))
        #expect(try Self.readOne(scalar) == NPYValue.Storage.float64([2.5]).value(shape: [], descr: "<f8"))
        let vector = Self.npy(
            "{'descr': '<i2', 'fortran_order': False, 'shape': (5,), }", Self.littleEndian([Int16(-2), -1, 0, 1, 2]))
        #expect(try Self.readOne(vector)?.storage == .integers([-2, -1, 0, 1, 2]))
        let empty = Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 28, 28), }", [])
        #expect(try Self.readOne(empty) == NPYValue.Storage.float32([]).value(shape: [0, 28, 28], descr: "<f4"))
    }

    @Test func badHeaders() throws {
        let cases = [
            (
                "{'descr': '<f4', 'shape': (2,), }",
                "the keys are {'descr', 'shape'}, not 'descr', 'fortran_order' and 'shape'"
            ),
            (
                "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }",
                "expected a string, True, False, a tuple or a list at offset 34 (found '0')"
            ),
            (
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2), }",
                "'(2)' is not a tuple (write '(2,)') at offset 53 (found ',')"
            ),
            (
                "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
                "a dimension is negative at offset 51 (found '-')"
            ),
            (
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x",
                "unexpected text after the dictionary at offset 58 (found 'x')"
            ),
            ("{'descr': '<f4", "unterminated string at offset 54 (found the end)"),
        ]
        for (header, reason) in cases {
            let npy = Self.npy(header, [0, 0, 0, 0, 0, 0, 0, 0])
            let found = Self.failure(try Self.zip([("x.npy", npy)]), key: "x")?.description
            #expect(found == "data.npz: x: bad .npy header: \(reason)")
        }
        let cut = Array(Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", []).prefix(40))
        #expect(
            Self.failure(try Self.zip([("x.npy", cut)]), key: "x")?.description
                == "data.npz: x: truncated .npy header: it needs 128 bytes, the entry holds 40")
    }

    @Test func version2Header() throws {
        let npy = Self.npy(
            "{'descr': '<u2', 'fortran_order': False, 'shape': (3,), }", Self.littleEndian([UInt16(1), 500, 65535]),
            major: 2)
        #expect(Array(npy[6..<8]) == [2, 0])
        #expect((npy.count - 6) % 64 == 0)
        #expect(try Self.readOne(npy) == NPYValue.Storage.integers([1, 500, 65535]).value(shape: [3], descr: "<u2"))
    }

    @Test func bigEndianAndEveryIntegerWidth() throws {
        let bigEndian = [Int32(1), -2, 0x0102_0304].flatMap { value in
            (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        let big = Self.npy("{'descr': '>i4', 'fortran_order': False, 'shape': (3,), }", bigEndian)
        #expect(try Self.readOne(big)?.storage == .integers([1, -2, 0x0102_0304]))
        let bigFloat = Self.npy(
            "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", [0x40, 0x04, 0, 0, 0, 0, 0, 0])
        #expect(try Self.readOne(bigFloat)?.storage == .float64([2.5]))
        let signedBytes = Self.npy("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", [0xFF, 0x7F])
        #expect(try Self.readOne(signedBytes)?.storage == .integers([-1, 127]))
        let unsigned32 = Self.npy(
            "{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }", [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try Self.readOne(unsigned32)?.storage == .integers([4_294_967_295]))
        let int64 = Self.npy(
            "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", Self.littleEndian([Int64.min, -1]))
        #expect(try Self.readOne(int64)?.storage == .integers([Int64.min, -1]))
        let tooBig = Self.npy(
            "{'descr': '<u8', 'fortran_order': False, 'shape': (2,), }", Self.littleEndian([UInt64(5), .max]))
        #expect(
            Self.failure(try Self.zip([("x.npy", tooBig)]), key: "x")?.description
                == "data.npz: x: element 1 is 18446744073709551615, past the largest Int64")
    }

    @Test func strings() throws {
        let unicode = Self.npy(
            "{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }",
            Self.littleEndian([UInt32(0x61), 0, 0, 0x3C1, 0x62, 0x63]))
        #expect(try Self.readOne(unicode)?.storage == .strings(["a", "ρbc"]))
        let bytes = Self.npy("{'descr': '|S4', 'fortran_order': False, 'shape': (2,), }", Array("cat\0bird".utf8))
        #expect(try Self.readOne(bytes)?.storage == .strings(["cat", "bird"]))
        let surrogate = Self.npy(
            "{'descr': '<U1', 'fortran_order': False, 'shape': (1,), }", Self.littleEndian([UInt32(0xD800)]))
        #expect(
            Self.failure(try Self.zip([("x.npy", surrogate)]), key: "x")?.description
                == "data.npz: x: string 0 is not valid: 55296 is not a Unicode scalar value (UTF-32)")
    }
}

extension NPZReaderTests {
    /// The seeds of `FuzzNPZ`: `valid-…` files read with every key, `invalid-…` files are refused.
    @Test(arguments: FuzzInputs.corpus("FuzzNPZ"))
    func fuzzSeedsReadAsNamed(input: FuzzInput) {
        var error: NPZError?
        do throws(NPZError) {
            let archive = try NPZArchive.parse(input.bytes, name: input.name)
            for key in archive.names() { _ = try archive.array(key) }
        } catch let thrown {
            error = thrown
        }
        #expect((error == nil) == input.isValidSeed, "\(error.map(String.init(describing:)) ?? "read")")
    }

    @Test func fuzzSeedsExist() {
        #expect(FuzzInputs.corpus("FuzzNPZ").contains { $0.isValidSeed })
        #expect(FuzzInputs.corpus("FuzzNPZ").contains { !$0.isValidSeed })
    }
}

extension NPYValue.Storage {
    /// An expected `NPYValue` of these elements.
    func value(shape: [Int], descr: String) -> NPYValue {
        NPYValue(shape: shape, descr: descr, storage: self)
    }
}
