extension RunConfig {
    /// The JSON names of the keys whose values differ between `self` and `other`, in table order, leaving out
    /// `ignoring` (e.g. `epochs`, which a continued run may change).
    public func differingKeys(from other: RunConfig, ignoring: Set<String> = []) -> [String] {
        RunConfig.keys.filter { key in
            !ignoring.contains(key.name) && key.jsonValue(in: self) != key.jsonValue(in: other)
        }.map(\.name)
    }

    /// Every key's value as JSON text, by JSON name (what `sweep.json` records).
    public var renderedValues: [String: String] {
        Dictionary(uniqueKeysWithValues: RunConfig.keys.map { ($0.name, $0.jsonValue(in: self)) })
    }
}
