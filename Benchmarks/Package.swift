// swift-tools-version:6.1
//
// TradeScan's benchmarks (package-benchmark), kept in a nested package so that
// building and testing the product never compiles them.
//
//   cd Benchmarks && swift package benchmark                 # run all
//   swift package benchmark --filter "mahalanobis.*"         # a whole-name regex
//
// Every benchmark checks its own answer and reports a domain rate (rows/s, MB/s)
// as a custom metric beside wall clock and malloc counts.
import PackageDescription

let package = Package(
    name: "TradeScanBenchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Synthetic", package: "main"),
            ],
            path: "Support"
        ),
        .executableTarget(
            name: "LinearAlgebraBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "LinearAlgebra", package: "main"),
            ],
            path: "Benchmarks/LinearAlgebraBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "GeneratorBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "Synthetic", package: "main"),
            ],
            path: "Benchmarks/GeneratorBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "IngestBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "CSVCore", package: "main"),
                .product(name: "Declarations", package: "main"),
                .product(name: "Synthetic", package: "main"),
            ],
            path: "Benchmarks/IngestBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DetectorBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "Declarations", package: "main"),
                .product(name: "Detectors", package: "main"),
                .product(name: "Synthetic", package: "main"),
                .product(name: "CSVCore", package: "main"),
            ],
            path: "Benchmarks/DetectorBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "LearningBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "Declarations", package: "main"),
                .product(name: "Detectors", package: "main"),
                .product(name: "Learning", package: "main"),
            ],
            path: "Benchmarks/LearningBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ScanBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "CSVCore", package: "main"),
                .product(name: "Declarations", package: "main"),
                .product(name: "Report", package: "main"),
                .product(name: "Scoring", package: "main"),
                .product(name: "TradeScan", package: "main"),
            ],
            path: "Benchmarks/ScanBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
