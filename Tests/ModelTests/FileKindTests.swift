import Foundation
import Model
import Testing

/// No command replaces a file with one of another kind (docs/reliability.md, "Run directories").
@Suite("File kinds")
struct FileKindTests {
    @Test("kinds are recognised by their first bytes")
    func identify() {
        #expect(FileKind.identify(ArraySlice(Array("PTRAINCK\u{1}\u{0}".utf8))) == .checkpoint)
        #expect(FileKind.identify(ArraySlice(Array("PTRW\u{0}\u{1}".utf8))) == .weights)
        #expect(FileKind.identify([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0][...]) == .png)
        #expect(FileKind.identify(ArraySlice(Array("\n<svg xmlns".utf8))) == .svg)
        #expect(FileKind.identify(ArraySlice(Array("  {\"a\": 1}".utf8))) == .json)
        #expect(FileKind.identify(ArraySlice(Array("epoch,train_accuracy\n".utf8))) == .text)
        #expect(FileKind.identify([0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 8][...]) == .zip)  // an npz
        #expect(FileKind.identify([0x50, 0x4B, 0x05, 0x06, 0, 0][...]) == .zip)  // an empty zip
        #expect(FileKind.identify([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A, 2][...]) == .hdf5)  // a NIR file
        #expect(FileKind.identify([0x1F, 0x8B, 0x08, 0x08][...]) == nil)  // gzip: not UTF-8
        #expect(FileKind.identify([0x1F, 0x8B, 0x00, 0x08][...]) == nil)
        #expect(FileKind.identify([][...]) == nil)
    }

    @Test("a file may be replaced by its own kind only; missing and empty files may be replaced")
    func requireReplaceable() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ptrain-kind-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let notes = directory.appendingPathComponent("notes.txt").path
        try Data("my notes".utf8).write(to: URL(fileURLWithPath: notes))
        try FileKind.text.requireReplaceable(notes)
        #expect(throws: FileReplaceError(path: notes, expected: .json, found: "a text file")) {
            try FileKind.json.requireReplaceable(notes)
        }
        #expect(
            FileReplaceError(path: notes, expected: .json, found: "a text file").description
                == "\(notes): exists and is a text file, not a JSON file; refusing to replace it (move it away or "
                + "choose another path)")
        #expect(throws: FileReplaceError(path: directory.path, expected: .checkpoint, found: "a directory")) {
            try FileKind.checkpoint.requireReplaceable(directory.path)
        }
        let empty = directory.appendingPathComponent("empty").path
        try Data().write(to: URL(fileURLWithPath: empty))
        try FileKind.checkpoint.requireReplaceable(empty)
        try FileKind.svg.requireReplaceable(directory.appendingPathComponent("missing.svg").path)
    }
}
