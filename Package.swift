// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Release builds target the CPU they are built on: without a target CPU, `SIMD16<Float>.addingProduct`
/// compiles to one scalar `fmaf` call per lane (1.5 GFLOP/s instead of > 100; see docs/performance.md).
/// Set `PTRAIN_PORTABLE=1` to build a binary that runs on any x86-64 / arm64 machine (slow kernels).
let portable = ProcessInfo.processInfo.environment["PTRAIN_PORTABLE"] != nil
let targetCPU: [SwiftSetting] = portable ? [] : [.unsafeFlags(["-target-cpu", "native"])]

let package = Package(
    name: "ptrain",
    products: [
        .executable(name: "ptrain", targets: ["ptrain"]),
        .library(name: "Model", targets: ["Model"]),
        .library(name: "Parallel", targets: ["Parallel"]),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "Parallel", swiftSettings: targetCPU),
        .target(name: "Model", dependencies: ["Parallel", "CZlib"], swiftSettings: targetCPU),
        .executableTarget(name: "ptrain", dependencies: ["Model", "Parallel"], swiftSettings: targetCPU),
        .testTarget(name: "ParallelTests", dependencies: ["Parallel"], swiftSettings: targetCPU),
        .testTarget(
            name: "ModelTests", dependencies: ["Model", "Parallel"], exclude: ["Reference"], swiftSettings: targetCPU),
        .testTarget(name: "ptrainTests", dependencies: ["ptrain", "Model"]),
    ]
)
