import Foundation

/// What a sweep directory holds: `sweep.json`, written by the first invocation and checked by every later one,
/// so that one sweep directory never mixes two configurations (docs/reliability.md, "Run directories").
///
/// It records every configuration key but `hidden` (each size's own) and `epochs` (a later invocation may
/// train longer) — and `seed` in a sweep over seeds, each run's own — the settings that shape the files on disk
/// or the results (`keep`, `patience`, `seeds`), and every invocation.
public struct SweepIdentity: IdentityFile, Sendable, Equatable {
    public static let fileName = "sweep.json"
    public static let currentFormat = 1
    public static let kind = "a sweep identity file"
    /// Keys a later invocation may change.
    public static let changeableKeys: Set<String> = ["hidden", "epochs"]

    public var format: Int
    /// UTC, ISO 8601.
    public var created: String
    /// Every configuration key's value as JSON text, but `hidden` and `epochs`.
    public var configuration: [String: String]
    /// `epoch-XXXX.ckpt` files kept per size; a later invocation may only raise it.
    public var keep: Int
    /// `--patience E` (nil: off); fixed for the sweep, since it decides where sizes stop.
    public var patience: Int?
    /// The seeds of a sweep over seeds (`--seeds`: one run `h<H>-s<seed>` per size and seed), every seed any
    /// invocation gave, in the order first given; nil (and absent from the file) for a sweep of the configuration's
    /// one seed (runs `h<H>`). A later invocation may add seeds, never turn one kind of sweep into the other.
    public var seeds: [UInt64]?
    public var invocations: [RunIdentity.Invocation]

    public init(
        config: RunConfig, keep: Int, patience: Int?, seeds: [UInt64]? = nil, command: [String], now: Date = Date()
    ) {
        format = Self.currentFormat
        created = RunIdentity.timestamp(now)
        let perRun = Self.perRunKeys(seeds: seeds)
        configuration = config.renderedValues.filter { !perRun.contains($0.key) }
        self.keep = keep
        self.patience = patience
        self.seeds = seeds
        invocations = [RunIdentity.Invocation(time: created, command: command)]
    }

    /// The keys that differ between the runs of a sweep, or may change between invocations: `changeableKeys`,
    /// and `seed` in a sweep over seeds.
    public static func perRunKeys(seeds: [UInt64]?) -> Set<String> {
        seeds == nil ? changeableKeys : changeableKeys.union(["seed"])
    }

    /// The first key (in table order) whose recorded value differs from `config`'s, with both values. A key
    /// `config.json` writes only when set (`validationSplit`, added after sweep.json) that the file lacks was
    /// recorded at its default.
    public func firstDifference(from config: RunConfig) -> (key: String, recorded: String, given: String)? {
        let given = config.renderedValues
        let defaults = RunConfig()
        for key in RunConfig.keys where !Self.perRunKeys(seeds: seeds).contains(key.name) {
            let missing = RunConfig.writtenOnlyWhenSet.contains(key.name) ? key.jsonValue(in: defaults) : "(missing)"
            let recorded = configuration[key.name] ?? missing
            if recorded != given[key.name] { return (key.name, recorded, given[key.name] ?? "") }
        }
        return nil
    }
}
