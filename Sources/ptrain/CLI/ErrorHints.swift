import Model

/// What the command line adds to a library's message: the flag, variable or command that changes the outcome.
/// The libraries state the facts in their own terms (files, keys, counts); only the command line knows its
/// flags, so the hints live here.
enum ErrorHints {
    /// MNIST was not found: where to get it or how to point at it.
    static let fetchOrPointToData =
        " Download it with 'ptrain fetch-data --to DIR', or point to a copy with PTRAIN_DATA=DIR or --data DIR."

    /// `error`'s description with the hint for it, if the command line has one.
    static func message(_ error: DataError) -> String {
        guard case .notFound = error else { return error.description }
        return error.description + fetchOrPointToData
    }

    static func message(_ error: FetchError) -> String {
        guard case .noMirrors = error else { return error.description }
        return error.description + " (give --mirror URL)"
    }

    static func message(_ error: ModelFileError) -> String {
        guard case .checkpoint(.otherData) = error else { return error.description }
        return error.description + "; pass --allow-other-data to use it anyway"
    }

    static func message(_ error: DistributionError) -> String {
        switch error {
        case .tooFewShards: return error.description + " (raise --shards)"
        }
    }
}
