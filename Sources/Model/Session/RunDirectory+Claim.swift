import Foundation
import Parallel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Taking a directory for a run: one run per directory, one writer at a time (docs/reliability.md, "Run
/// directories").
extension RunDirectory {
    /// Whether `name` is one of the files a run writes (its identity, configuration, metrics, weights,
    /// checkpoints, the sweep's early-stop marker), so that a directory holding one holds a run.
    public static func isRunFile(_ name: String) -> Bool {
        [
            RunIdentity.fileName, configuration, metrics, weights, averagedWeights, latest, best, "early-stopped",
            LayeredSession.model, LayeredSession.bestModel, LayeredSession.averagedModel,
        ]
        .contains(name)
            || epoch(ofCheckpoint: name) != nil
    }

    /// The directory's entries other than the lock file, sorted; nil when the path does not exist.
    func entries() throws(RunDirectoryError) -> [String]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { throw .notADirectory(path: path) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { $0 != DirectoryLock.fileName }.sorted()
    }

    /// Creates the directory (and its parents) when missing and locks it for `purpose`.
    public func lock(purpose: String) throws(RunDirectoryError) -> DirectoryLock {
        if try entries() == nil {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw .cannotCreate(directory: path, reason: Self.reason(error))
            }
        }
        do {
            return try DirectoryLock(directory: path, purpose: purpose)
        } catch {
            throw .locked(error)
        }
    }

    /// The directory, locked and empty, for a new run. A directory that holds a run or other files is refused;
    /// with `overwrite` it is renamed to the first free `<path>.replaced-N` (nothing is deleted) and a new,
    /// empty directory takes its place. Returns the lock and where the old directory went.
    public func claimForNewRun(overwrite: Bool) throws(RunDirectoryError) -> (lock: DirectoryLock, movedTo: String?) {
        let lock = try self.lock(purpose: "train")
        let names = try entries() ?? []
        guard let first = names.first else { return (lock, nil) }
        guard overwrite else {
            if names.contains(where: Self.isRunFile) { throw .holdsAnotherRun(directory: path, summary: summary()) }
            throw .notEmpty(directory: path, example: first)
        }
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        var aside = ""
        for number in 1... {
            aside = "\(trimmed).replaced-\(number)"
            if !FileManager.default.fileExists(atPath: aside) { break }
        }
        // The old directory stays locked by `lock` while it moves, so no other writer can be inside it.
        do {
            _ = try SystemError.valueOrErrno("rename") { rename(trimmed, aside) }
        } catch {
            throw .cannotMoveAside(directory: path, failure: error)
        }
        let fresh = try self.lock(purpose: "train")
        guard let again = try entries(), again.isEmpty else {
            throw .holdsAnotherRun(directory: path, summary: "created by another process just now")
        }
        return (fresh, aside)
    }

    /// A short description of the run the directory holds, for messages: when it was created, its hidden size
    /// and seed, and how far it got.
    func summary() -> String {
        var parts: [String] = []
        if let identity = try? RunIdentity.read(path: file(RunIdentity.fileName)) {
            parts.append("created \(identity.created)")
        } else {
            parts.append("no \(RunIdentity.fileName)")
        }
        if let checkpoint = try? Checkpoint.read(path: file(Self.latest), weights: .skip) {
            let network =
                checkpoint.isLayered ? "\(checkpoint.config.layers.count)-layer network" : "hidden \(checkpoint.hidden)"
            parts.append("\(checkpoint.config.name), \(network), seed \(checkpoint.config.seed)")
            parts.append("\(checkpoint.cursor.completedEpochs) of \(checkpoint.config.epochs) epochs done")
        } else if let config = try? RunConfig.load(path: file(Self.configuration)) {
            let network = config.layers.isEmpty ? "hidden \(config.hidden)" : "\(config.layers.count)-layer network"
            parts.append("\(config.name), \(network), seed \(config.seed), no \(Self.latest)")
        }
        return parts.joined(separator: ", ")
    }

    /// The kind of file each of a run's files must be (what `FileKind.requireReplaceable` checks).
    static func kind(ofRunFile name: String) -> FileKind? {
        switch name {
        case RunIdentity.fileName, configuration: return .json
        case metrics: return .text
        case weights, averagedWeights: return .weights
        case latest, best: return .checkpoint
        case LayeredSession.model, LayeredSession.bestModel, LayeredSession.averagedModel: return .layeredModel
        default: return epoch(ofCheckpoint: name) != nil ? .checkpoint : nil
        }
    }

    /// Checks that continuing from `checkpoint` (read from this directory's `latest.ckpt`) keeps the directory
    /// one run: every run file present is of its kind, the recorded identity's configuration matches,
    /// `latest.ckpt` is still the state that was read, and `metrics.csv` holds no epoch the checkpoint lacks
    /// (continuing never truncates it).
    func checkContinuation(of checkpoint: Checkpoint, config: RunConfig) throws(RunDirectoryError) -> RunIdentity? {
        for name in try entries() ?? [] {
            guard let kind = Self.kind(ofRunFile: name) else { continue }
            do {
                try kind.requireReplaceable(file(name))
            } catch {
                throw .wrongKind(error)
            }
        }
        let identity = try RunIdentity.read(path: file(RunIdentity.fileName))
        if let identity, identity.configuration != RunIdentity.configurationHash(config) {
            throw .notThisRun(
                directory: path,
                reason: "its \(RunIdentity.fileName) records configuration \(identity.configuration), the checkpoint "
                    + "has \(RunIdentity.configurationHash(config)): the checkpoint belongs to another run")
        }
        let latestPath = file(Self.latest)
        guard let current = try? Checkpoint.read(path: latestPath, weights: .skip),
            current.cursor.hasSamePosition(as: checkpoint.cursor), current.records == checkpoint.records
        else { throw .changedMeanwhile(path: latestPath) }
        let metricsPath = file(Self.metrics)
        if let existing = try? String(contentsOfFile: metricsPath, encoding: .utf8) {
            let rows = existing.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            let expected = MetricsTable.csv(checkpoint.records).split(separator: "\n").map(String.init)
            guard rows.count <= expected.count, zip(rows, expected).allSatisfy({ $0.0 == $0.1 }) else {
                throw .metricsAhead(
                    path: metricsPath,
                    reason: "records \(max(rows.count - 1, 0)) epochs that differ from the \(checkpoint.records.count) "
                        + "of \(latestPath): continuing would truncate it; nothing was changed")
            }
        }
        return identity
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return SystemError(call: "mkdir", errno: Int32(underlying.code)).description
        }
        return nsError.localizedDescription
    }
}

extension TrainingCursor {
    /// Same epoch, batches, samples, epoch length and correct count (train seconds aside).
    func hasSamePosition(as other: TrainingCursor) -> Bool {
        epoch == other.epoch && batchesDone == other.batchesDone && samplesDone == other.samplesDone
            && epochSamples == other.epochSamples && correct == other.correct
    }
}

extension RunDirectory {
    /// The directory claimed and locked for a training session as `setup` says: a new run (fresh or a fork)
    /// claims it (`claimForNewRun`: an old run is moved aside when `setup.overwrite` allows it, and `observer`
    /// told where), a continued run locks it and removes the temporaries a killed writer left. The lock is held
    /// until the returned value is released.
    func claim(for setup: RunSetup, observer: any TrainingObserver) throws(SessionError) -> DirectoryLock {
        do throws(RunDirectoryError) {
            switch setup.mode {
            case .fresh, .fork:
                let claimed = try claimForNewRun(overwrite: setup.overwrite)
                if let movedTo = claimed.movedTo { observer.directoryMovedAside(from: path, to: movedTo) }
                return claimed.lock
            case .continuing:
                let lock = try lock(purpose: "train")
                removeStaleTemporaries()
                return lock
            }
        } catch {
            throw .directory(error)
        }
    }
}
