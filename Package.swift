// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Release builds target the CPU they are built on: without a target CPU, `SIMD16<Float>.addingProduct`
/// compiles to one scalar `fmaf` call per lane (1.5 GFLOP/s instead of > 100; see docs/performance.md).
/// Set `PTRAIN_PORTABLE=1` to build a binary that runs on any x86-64 / arm64 machine (slow kernels).
let portable = ProcessInfo.processInfo.environment["PTRAIN_PORTABLE"] != nil
let targetCPU: [SwiftSetting] = portable ? [] : [.unsafeFlags(["-target-cpu", "native"])]

/// `PTRAIN_MPI=1` builds the Open MPI transport for `ptrain train --distributed` (docs/distributed.md): the
/// `CMPI` system library (`libopenmpi-dev`, found through pkg-config) and the `PTRAIN_MPI` condition in
/// `Parallel`. The default build and `swift test` need no MPI. Build it in its own folder:
/// `PTRAIN_MPI=1 swift build -c release --scratch-path .build-mpi`.
let mpi = ProcessInfo.processInfo.environment["PTRAIN_MPI"] != nil
let mpiTargets: [Target] =
    mpi
    ? [.systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])])]
    : []
let parallelDependencies: [Target.Dependency] = mpi ? ["CMPI"] : []
let mpiSettings: [SwiftSetting] = mpi ? [.define("PTRAIN_MPI")] : []

let package = Package(
    name: "ptrain",
    products: [
        .executable(name: "ptrain", targets: ["ptrain"]),
        .library(name: "Model", targets: ["Model"]),
        .library(name: "Parallel", targets: ["Parallel"]),
    ],
    targets: mpiTargets + [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "Parallel", dependencies: parallelDependencies, swiftSettings: targetCPU + mpiSettings),
        .target(name: "Model", dependencies: ["Parallel", "CZlib"], swiftSettings: targetCPU),
        // What `ptrain bench` measures, kept out of the Model library as swift-numerics keeps `_TestSupport`.
        .target(name: "Benchmarks", dependencies: ["Model", "Parallel"], swiftSettings: targetCPU),
        .executableTarget(
            name: "ptrain", dependencies: ["Model", "Parallel", "Benchmarks"], swiftSettings: targetCPU),
        // What every test target shares (the fixed-seed generator), as swift-numerics keeps `_TestSupport`.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ParallelTests", dependencies: ["Parallel", "TestSupport"], swiftSettings: targetCPU),
        .testTarget(
            name: "ModelTests", dependencies: ["Model", "Parallel", "TestSupport"], exclude: ["Reference"],
            swiftSettings: targetCPU),
        .testTarget(name: "ptrainTests", dependencies: ["ptrain", "Model", "TestSupport"]),
    ]
)

/// Fuzz targets, one executable per parser of outside bytes (docs/reliability.md, "Fuzzing"). They exist only
/// when `PTRAIN_FUZZ=1` is set, so the default build and `swift test` never see them; `Fuzz/run.sh` builds
/// them with `-sanitize=fuzzer,address` into `.build-fuzz` and runs them.
if ProcessInfo.processInfo.environment["PTRAIN_FUZZ"] != nil {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency], exclude: [String])] = [
        ("FuzzIDXImages", ["Model"], []),
        ("FuzzIDXLabels", ["Model"], []),
        ("FuzzGzip", ["Model"], []),
        ("FuzzConfigJSON", ["Model"], []),
        ("FuzzWeightsFile", ["Model"], []),
        // `ptrain` is a symlink to Sources/ptrain: the CLI parser is internal to the executable.
        ("FuzzCommandLine", ["Model", "Parallel", "Benchmarks"], ["ptrain/main.swift"]),
        // The binary checkpoint format (Sources/Model/Checkpoint).
        ("FuzzCheckpoint", ["Model"], []),
        // NumPy `.npz` archives (Sources/Model/Data/NPZ): zip directory, inflate, `.npy` headers.
        ("FuzzNPZ", ["Model"], []),
    ]
    package.targets += [
        .systemLibrary(name: "CLibFuzzer", path: "Fuzz/Support/LibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], path: "Fuzz/Support/FuzzSupport"),
    ]
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: target.name, dependencies: target.dependencies + ["FuzzSupport"],
                path: "Fuzz/Targets/\(target.name)", exclude: target.exclude))
    }
}
