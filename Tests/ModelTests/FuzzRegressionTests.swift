import Foundation
import Model
import Testing

/// One file of `Fuzz/Regressions/<Target>/` or `Fuzz/Corpus/<Target>/`.
struct FuzzInput: Sendable, CustomTestStringConvertible {
    /// The fuzz target's name, e.g. `FuzzGzip`.
    let target: String
    let fileName: String
    let bytes: [UInt8]

    var testDescription: String { "\(target)/\(fileName)" }

    /// Seeds are named for what the parser does with them: `valid-…` parses, `invalid-…` is rejected.
    var isValidSeed: Bool { fileName.hasPrefix("valid-") }

    /// The parsers' `name`/`path` argument: errors must start with it.
    var name: String { "\(target)/\(fileName)" }
}

/// Reading the fuzzers' inputs (see docs/reliability.md, "Fuzzing").
enum FuzzInputs {
    /// `Fuzz/` at the package root.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// The fuzz targets whose parsers live in `Model`; `FuzzCommandLine`'s inputs are run through the built
    /// binary by `ptrainTests`.
    static let modelTargets = [
        "FuzzIDXImages", "FuzzIDXLabels", "FuzzGzip", "FuzzConfigJSON", "FuzzWeightsFile", "FuzzNPZ",
    ]

    /// The files of `Fuzz/<folder>/<target>/`, by name.
    static func files(_ folder: String, _ target: String) -> [FuzzInput] {
        let directory = root.appendingPathComponent(folder).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
                return nil
            }
            return FuzzInput(target: target, fileName: name, bytes: [UInt8](data))
        }
    }

    /// `Fuzz/Regressions/<target>/`.
    static func regressions(_ target: String) -> [FuzzInput] { files("Regressions", target) }

    /// `Fuzz/Corpus/<target>/`.
    static func corpus(_ target: String) -> [FuzzInput] { files("Corpus", target) }

    /// `bytes` with the last four bytes replaced by the CRC32 of the rest, as `FuzzWeightsFile` also tries it.
    static func withChecksumFixed(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 4 else { return bytes }
        var fixed = bytes
        let crc = CRC32.checksum(bytes.dropLast(4))
        for index in 0..<4 { fixed[bytes.count - 4 + index] = UInt8(truncatingIfNeeded: crc >> (8 * index)) }
        return fixed
    }
}

/// Every input kept in `Fuzz/Regressions/<Target>/` (crashes the fuzzers found, once fixed, and inputs made by
/// hand to be nasty) fed to the parser its fuzz target exercises, the way `Fuzz/Targets/<Target>` feeds it. Each
/// must be rejected with the parser's typed error whose message starts with the file's name. A trap would end
/// the test process: that is the failure these tests exist to catch.
@Suite("fuzz regressions")
struct FuzzRegressionTests {
    @Test("every Model fuzz target has regression inputs", arguments: FuzzInputs.modelTargets)
    func regressionsExist(target: String) {
        #expect(!FuzzInputs.regressions(target).isEmpty, "Fuzz/Regressions/\(target) is empty or missing")
    }

    @Test(arguments: FuzzInputs.regressions("FuzzIDXImages"))
    func idxImages(_ input: FuzzInput) {
        let error = #expect(throws: DataError.self) { try IDX.parseImages(Data(input.bytes), name: input.name) }
        #expect(error?.description.hasPrefix(input.name + ": ") == true, "\(String(describing: error))")
    }

    @Test(arguments: FuzzInputs.regressions("FuzzIDXLabels"))
    func idxLabels(_ input: FuzzInput) {
        let error = #expect(throws: DataError.self) { try IDX.parseLabels(Data(input.bytes), name: input.name) }
        #expect(error?.description.hasPrefix(input.name + ": ") == true, "\(String(describing: error))")
    }

    /// The archive, or one of its arrays, is refused (`FuzzNPZ` reads every key).
    @Test(arguments: FuzzInputs.regressions("FuzzNPZ"))
    func npz(_ input: FuzzInput) {
        let error = #expect(throws: NPZError.self) {
            let archive = try NPZArchive.parse(input.bytes, name: input.name)
            for key in archive.names() { _ = try archive.array(key) }
        }
        #expect(error?.description.hasPrefix(input.name + ": ") == true, "\(String(describing: error))")
        #expect(error?.description.contains("\n") == false)
    }

    @Test(arguments: FuzzInputs.regressions("FuzzGzip"))
    func gzip(_ input: FuzzInput) {
        let error = #expect(throws: DataError.self) { try Gzip.decompress(Data(input.bytes), name: input.name) }
        guard case .gzipCorrupt(let path, _) = error else {
            Issue.record("expected .gzipCorrupt, got \(String(describing: error))")
            return
        }
        #expect(path == input.name)
    }

    @Test(arguments: FuzzInputs.regressions("FuzzConfigJSON"))
    func configJSON(_ input: FuzzInput) {
        let error = #expect(throws: ConfigError.self) { try RunConfig.decode(Data(input.bytes), source: input.name) }
        #expect(error?.description.hasPrefix(input.name + ": ") == true, "\(String(describing: error))")
    }

    @Test(arguments: FuzzInputs.regressions("FuzzWeightsFile"))
    func weightsFile(_ input: FuzzInput) {
        for bytes in [input.bytes, FuzzInputs.withChecksumFixed(input.bytes)] {
            let error = #expect(throws: WeightsFileError.self) { try WeightsFile.decode(bytes, path: input.name) }
            #expect(error?.description.hasPrefix(input.name + ": ") == true, "\(String(describing: error))")
        }
    }
}

/// The seed corpora are named for what the parser does with each file (`valid-…` parses, `invalid-…` is
/// rejected), so a parser change that turns a seed around is noticed, and the fuzzers keep starting from
/// inputs that reach deep into the parser.
@Suite("fuzz seed corpus")
struct FuzzCorpusTests {
    @Test("every Model fuzz target has seeds of both kinds", arguments: FuzzInputs.modelTargets)
    func seedsExist(target: String) {
        let seeds = FuzzInputs.corpus(target)
        #expect(seeds.contains { $0.isValidSeed } && seeds.contains { !$0.isValidSeed }, "Fuzz/Corpus/\(target)")
        for seed in seeds {
            #expect(seed.bytes.count <= 10_240, "\(seed.testDescription) is over 10 KB")
            #expect(seed.fileName.hasPrefix("valid-") || seed.fileName.hasPrefix("invalid-"), "\(seed.fileName)")
        }
    }

    @Test(arguments: FuzzInputs.corpus("FuzzIDXImages"))
    func idxImages(_ seed: FuzzInput) {
        let result = Result { () throws(DataError) in try IDX.parseImages(Data(seed.bytes), name: seed.name) }
        expectAsNamed(seed, result)
    }

    @Test(arguments: FuzzInputs.corpus("FuzzIDXLabels"))
    func idxLabels(_ seed: FuzzInput) {
        let result = Result { () throws(DataError) in try IDX.parseLabels(Data(seed.bytes), name: seed.name) }
        expectAsNamed(seed, result)
    }

    @Test(arguments: FuzzInputs.corpus("FuzzGzip"))
    func gzip(_ seed: FuzzInput) {
        let result = Result { () throws(DataError) in try Gzip.decompress(Data(seed.bytes), name: seed.name) }
        expectAsNamed(seed, result)
    }

    @Test(arguments: FuzzInputs.corpus("FuzzConfigJSON"))
    func configJSON(_ seed: FuzzInput) {
        let result = Result { () throws(ConfigError) in try RunConfig.decode(Data(seed.bytes), source: seed.name) }
        expectAsNamed(seed, result)
    }

    @Test(arguments: FuzzInputs.corpus("FuzzWeightsFile"))
    func weightsFile(_ seed: FuzzInput) {
        let result = Result { () throws(WeightsFileError) in try WeightsFile.decode(seed.bytes, path: seed.name) }
        expectAsNamed(seed, result)
    }

    /// `valid-…` seeds parse, `invalid-…` seeds are rejected.
    func expectAsNamed<Success, Failure: Error>(_ seed: FuzzInput, _ result: Result<Success, Failure>) {
        switch result {
        case .success: #expect(seed.isValidSeed, "\(seed.testDescription) parses but is named invalid-")
        case .failure(let error): #expect(!seed.isValidSeed, "\(seed.testDescription) is rejected: \(error)")
        }
    }
}
