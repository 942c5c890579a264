import Foundation
import Testing

/// `ptrain fetch-data --mirror file:///DIR` through the built binary: the four files come from a local directory;
/// a mirror that lacks one or serves a corrupt one is an error naming the URL that leaves the target as it was
/// (no directory created, no partial or temporary file, a good file already there untouched).
@Suite("fetch-data from a file: mirror, end to end")
struct FetchDataCLITests {
    static let names = [
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
    ]

    /// A mirror directory under `root` holding copies of `names` from the real MNIST directory.
    static func mirror(in root: URL, holding names: [String] = names) throws -> URL {
        let mnist = URL(fileURLWithPath: try TestMNIST.located.get())
        let mirror = root.appendingPathComponent("mirror")
        try FileManager.default.createDirectory(at: mirror, withIntermediateDirectories: true)
        for name in names {
            try FileManager.default.copyItem(
                at: mnist.appendingPathComponent(name), to: mirror.appendingPathComponent(name))
        }
        return mirror
    }

    static func contents(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test("the four files are copied byte for byte into --to, created if missing")
    func fetchesFromAFileMirror() throws {
        let root = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let mirror = try Self.mirror(in: root)
        let target = root.appendingPathComponent("new/mnist")
        let result = try PtrainProcess.run(["fetch-data", "--to", target.path, "--mirror", mirror.absoluteString])
        #expect(result.status == 0 && result.stderr == "", "\(result)")
        #expect(result.stdout.hasSuffix("MNIST is in \(target.path)\n"), "\(result)")
        #expect(try Self.contents(target) == Self.names)
        for name in Self.names {
            let fetched = try Data(contentsOf: target.appendingPathComponent(name))
            #expect(fetched == (try Data(contentsOf: mirror.appendingPathComponent(name))), "\(name) differs")
        }
    }

    @Test("a mirror without one of the files: exit 1 naming its URL, and no target directory is created")
    func missingFileLeavesNothing() throws {
        let root = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let mirror = try Self.mirror(in: root, holding: Array(Self.names.dropFirst(2)))  // no test set
        let target = root.appendingPathComponent("target")
        let result = try PtrainProcess.run(["fetch-data", "--to", target.path, "--mirror", mirror.absoluteString])
        let url = mirror.appendingPathComponent("t10k-images-idx3-ubyte.gz").absoluteString
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr == "Error: \(url): download failed: no such file\n", "\(result)")
        #expect(!FileManager.default.fileExists(atPath: target.path), "the target directory was created")
    }

    @Test("a corrupt file on the mirror: exit 1 naming it; the target keeps exactly what it held")
    func corruptFileLeavesTheTargetAsItWas() throws {
        let root = try PtrainProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let mirror = try Self.mirror(in: root)
        let labels = mirror.appendingPathComponent("train-labels-idx1-ubyte.gz")
        try (try Data(contentsOf: labels)).prefix(20_000).write(to: labels)  // truncated
        let target = root.appendingPathComponent("target")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let good = target.appendingPathComponent("train-images-idx3-ubyte.gz")
        try FileManager.default.copyItem(at: mirror.appendingPathComponent("train-images-idx3-ubyte.gz"), to: good)
        let before = try Data(contentsOf: good)
        let modified = try FileManager.default.attributesOfItem(atPath: good.path)[.modificationDate] as? Date

        let result = try PtrainProcess.run(["fetch-data", "--to", target.path, "--mirror", mirror.absoluteString])
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stderr
                == "Error: \(labels.absoluteString): corrupt gzip data: ends in the middle of gzip member 1 (file "
                + "truncated?)\n", "\(result)")
        #expect(try Self.contents(target) == ["train-images-idx3-ubyte.gz"])
        #expect(try Data(contentsOf: good) == before)
        #expect(try FileManager.default.attributesOfItem(atPath: good.path)[.modificationDate] as? Date == modified)
    }
}
