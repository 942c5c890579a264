import Foundation
import Model

/// One side of `ptrain compare`: a run directory, or a sweep directory's runs (`h<H>` or `h<H>-s<seed>`), each
/// with its best.ckpt read without weights; and how two sides are paired.
struct ComparedSide: CustomStringConvertible {
    /// A run and its selected checkpoint.
    struct Run {
        /// The run directory as given (a sweep's runs: the sweep directory joined with the run's name).
        let directory: String
        /// `h100-s2` in a sweep; the directory's last component for a run directory.
        let name: String
        let bestPath: String
        /// best.ckpt, read without its weights.
        let checkpoint: Checkpoint

        var size: Int { checkpoint.hidden }
        var seed: UInt64 { checkpoint.config.seed }
        /// The epoch best.ckpt holds.
        var epoch: Int { checkpoint.records.last?.epoch ?? 0 }
        /// How the epoch was chosen: `validation-selected` or `test-selected`.
        var rule: String { EpochSelection.best(of: checkpoint.records)?.rule.label ?? "test-selected" }
        /// `h100-s2, epoch 7` for a row of the table.
        var summary: String { "\(name), epoch \(epoch)" }
    }

    /// Two runs to compare, and the row's label.
    struct Pair {
        let label: String
        let a: Run
        let b: Run
    }

    let path: String
    let isSweep: Bool
    /// The run, or the sweep's runs ordered by size, then seed.
    let runs: [Run]

    var description: String {
        isSweep ? "\(path) (sweep, \(runs.count) \(runs.count == 1 ? "run" : "runs"))" : "\(path) (run)"
    }

    /// The selection rules of the side's runs: `validation-selected`, or both rules listed when they differ.
    var rules: String {
        var labels: [String] = []
        for run in runs where !labels.contains(run.rule) { labels.append(run.rule) }
        return labels.joined(separator: " and ")
    }

    /// The run directory or sweep directory at `path`: a directory holding a run's files (best.ckpt, latest.ckpt
    /// or run.json) is a run, one holding run directories named `h<H>` or `h<H>-s<seed>` a sweep. Every run
    /// must have a best.ckpt.
    init(path: String) throws(RuntimeError) {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .output("\(path): no such run or sweep directory")
        }
        if Self.isRunDirectory(path) {
            isSweep = false
            runs = [try Self.run(at: path, name: (path as NSString).lastPathComponent)]
            return
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let found = names.compactMap { name -> (name: String, size: Int, seed: UInt64)? in
            guard let match = name.wholeMatch(of: /h([0-9]+)(-s([0-9]+))?/), let size = Int(match.1) else { return nil }
            let child = (path as NSString).appendingPathComponent(name)
            guard Self.isRunDirectory(child) else { return nil }
            return (name, size, match.3.flatMap { UInt64($0) } ?? 0)
        }
        guard !found.isEmpty else {
            throw .output(
                "\(path): neither a run directory (no \(RunDirectory.best)) nor a sweep directory (no h<H> runs)")
        }
        isSweep = true
        var runs: [Run] = []
        for entry in found.sorted(by: { ($0.size, $0.seed) < ($1.size, $1.seed) }) {
            runs.append(try Self.run(at: (path as NSString).appendingPathComponent(entry.name), name: entry.name))
        }
        self.runs = runs
    }

    static func isRunDirectory(_ path: String) -> Bool {
        [RunDirectory.best, RunDirectory.latest, RunIdentity.fileName].contains {
            FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent($0))
        }
    }

    private static func run(at directory: String, name: String) throws(RuntimeError) -> Run {
        let best = (directory as NSString).appendingPathComponent(RunDirectory.best)
        guard FileManager.default.fileExists(atPath: best) else {
            throw .output("\(directory): no \(RunDirectory.best) (the run has finished no epoch)")
        }
        do {
            return Run(
                directory: directory, name: name, bestPath: best,
                checkpoint: try Checkpoint.read(path: best, weights: .skip))
        } catch {
            throw .checkpoint(.checkpoint(error))
        }
    }

    /// The pairs of `a` and `b`, with a note for each run left without a partner. Two run directories make one
    /// pair. Otherwise runs are matched by seed, and by hidden size as well when both sides hold several sizes;
    /// a seed (or size and seed) that names two runs on one side is an error, naming them.
    static func pairs(_ a: ComparedSide, _ b: ComparedSide) throws(RuntimeError) -> (pairs: [Pair], unmatched: [String])
    {
        if !a.isSweep && !b.isSweep {
            return ([Pair(label: "1", a: a.runs[0], b: b.runs[0])], [])
        }
        let bySize = Set(a.runs.map(\.size)).count > 1 && Set(b.runs.map(\.size)).count > 1
        func key(_ run: Run) -> String { bySize ? "h\(run.size)-s\(run.seed)" : "seed \(run.seed)" }
        for side in [a, b] {
            var seen: [String: Run] = [:]
            for run in side.runs {
                if let other = seen[key(run)] {
                    throw .output(
                        "\(side.path): two runs with \(key(run)) (\(other.name), \(run.name)); compare sweeps of the "
                            + "same sizes, or name one run directory")
                }
                seen[key(run)] = run
            }
        }
        var pairs: [Pair] = []
        var unmatched: [String] = []
        for run in a.runs {
            if let partner = b.runs.first(where: { key($0) == key(run) }) {
                pairs.append(Pair(label: key(run), a: run, b: partner))
            } else {
                unmatched.append("\(run.directory) (no \(key(run)) in B)")
            }
        }
        for run in b.runs where !a.runs.contains(where: { key($0) == key(run) }) {
            unmatched.append("\(run.directory) (no \(key(run)) in A)")
        }
        guard !pairs.isEmpty else {
            throw .output("\(a.path) and \(b.path): no runs to pair (A has \(list(a, key)), B has \(list(b, key)))")
        }
        return (pairs, unmatched)
    }

    private static func list(_ side: ComparedSide, _ key: (Run) -> String) -> String {
        side.runs.map(key).joined(separator: ", ")
    }
}
