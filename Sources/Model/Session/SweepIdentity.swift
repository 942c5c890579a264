import Foundation

/// What a sweep directory holds: `sweep.json`, written by the first invocation and checked by every later one,
/// so that one sweep directory never mixes two configurations (docs/reliability.md, "Run directories").
///
/// It records every configuration key but `hidden` (each size's own) and `epochs` (a later invocation may
/// train longer), the settings that shape the files on disk or the results (`keep`, `patience`), and every
/// invocation.
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
    public var invocations: [RunIdentity.Invocation]

    public init(config: RunConfig, keep: Int, patience: Int?, command: [String], now: Date = Date()) {
        format = Self.currentFormat
        created = RunIdentity.timestamp(now)
        configuration = config.renderedValues.filter { !Self.changeableKeys.contains($0.key) }
        self.keep = keep
        self.patience = patience
        invocations = [RunIdentity.Invocation(time: created, command: command)]
    }

    /// The first key (in table order) whose recorded value differs from `config`'s, with both values.
    public func firstDifference(from config: RunConfig) -> (key: String, recorded: String, given: String)? {
        let given = config.renderedValues
        for key in RunConfig.keys where !Self.changeableKeys.contains(key.name) {
            let recorded = configuration[key.name] ?? "(missing)"
            if recorded != given[key.name] { return (key.name, recorded, given[key.name] ?? "") }
        }
        return nil
    }
}
