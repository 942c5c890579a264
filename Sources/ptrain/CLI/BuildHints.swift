/// What the command line tells a user whose build lacks a feature (the libraries know the feature, not how the
/// project is built).
enum BuildHints {
    /// For `--distributed` in a build without MPI (docs/distributed.md).
    static let enableMPI =
        "this ptrain was built without MPI: install Open MPI (apt-get install libopenmpi-dev openmpi-bin) and "
        + "build with 'PTRAIN_MPI=1 swift build -c release --scratch-path .build-mpi' (docs/distributed.md)"
}
