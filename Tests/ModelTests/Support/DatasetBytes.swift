import Model

extension Dataset {
    /// The bytes of a byte data set (IDX files, `uint8` arrays), for tests that compare them.
    var pixels: [UInt8] {
        guard case .bytes(let bytes) = values else { preconditionFailure("\(name) holds floats, not bytes") }
        return bytes
    }
}
