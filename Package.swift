// swift-tools-version:6.1
//
// TradeScan: batch anomaly detection for customs declarations.
//
// Dependencies point one way (see README "Module map"):
//   CBLAS  <-  LinearAlgebra  <-  Detectors  <-  Learning  <-  Scoring  <-  Report  <-  TradeScan  <-  tradescan
// Only LinearAlgebra imports CBLAS. Benchmarks live in the nested package
// `Benchmarks/` so that `swift build` and `swift test` never compile them.
import PackageDescription

let package = Package(
    name: "TradeScan",
    products: [
        .library(name: "TradeScan", targets: ["TradeScan"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "Synthetic", targets: ["Synthetic"]),
        .library(name: "CSVCore", targets: ["CSVCore"]),
        .library(name: "Declarations", targets: ["Declarations"]),
        .library(name: "Detectors", targets: ["Detectors"]),
        .library(name: "Learning", targets: ["Learning"]),
        .library(name: "Scoring", targets: ["Scoring"]),
        .library(name: "Report", targets: ["Report"]),
        .executable(name: "tradescan", targets: ["tradescan"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System library over OpenBLAS (cblas.h) and LAPACKE (lapacke.h).
        // Debian's OpenBLAS is built without LAPACKE, so both libraries are linked.
        // `Scripts/setup.sh` installs the packages; `providers` only prints a hint.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev", "pkg-config"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["CBLAS"]),
        // bytes → field bounds. No Foundation, no IO. SIMD and pointer code lives in
        // CSVCore/Kernels, over the header-only movemask helpers of CSVKernelsC.
        .target(name: "CSVKernelsC"),
        .target(name: "CSVCore", dependencies: ["CSVKernelsC"]),
        // zlib for .csv.gz inputs (Debian zlib1g-dev).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // files → typed tables: schema, value parsers, reference data (FX, controls).
        // glibc's malloc_trim, to hand freed pages back between stages.
        .systemLibrary(name: "CMalloc"),
        .target(name: "Declarations", dependencies: ["CSVCore", "CZlib", "CMalloc"]),
        // The seeded generator of realistic export declarations with planted patterns.
        .target(name: "Synthetic", dependencies: ["Declarations"]),
        // One file per detector: fit → a Codable Fitted value → anomaly scores and reasons.
        .target(name: "Detectors", dependencies: ["CSVCore", "Declarations", "LinearAlgebra"]),
        // Learning from inspection outcomes: risk profiles, logistic regression (IRLS over
        // LAPACK) and an embedding MLP (GEMM), chosen on a time-ordered validation split.
        .target(name: "Learning", dependencies: ["Declarations", "Detectors", "LinearAlgebra"]),
        // Fitted detectors together: one risk score, ranking, lanes, the model file.
        .target(name: "Scoring", dependencies: ["CSVCore", "Declarations", "Detectors", "Learning"]),
        // The report files: ranked.csv/jsonl, parties.csv, report.html (inline SVG, no script).
        .target(name: "Report", dependencies: ["CSVCore", "Declarations", "Detectors", "Scoring"]),
        // Measures of a ranking against ground truth (tradescan evaluate).
        .target(name: "Evaluation", dependencies: ["CSVCore", "Declarations"]),
        .target(name: "TradeScan", dependencies: ["LinearAlgebra", "Synthetic", "Declarations", "Detectors", "Learning", "Scoring", "Report", "Evaluation", "CSVCore"]),
        .executableTarget(
            name: "tradescan",
            dependencies: [
                "TradeScan", "Scoring", "Learning", "CSVCore", "Declarations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .target(name: "TestSupport", dependencies: ["CSVCore"], path: "Tests/TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "CSVCoreTests", dependencies: ["CSVCore", "TestSupport"]),
        .testTarget(name: "DeclarationsTests", dependencies: ["Declarations", "Synthetic", "CSVCore", "TestSupport"]),
        .testTarget(name: "DetectorsTests", dependencies: ["Detectors", "Declarations", "Synthetic", "LinearAlgebra", "TestSupport"]),
        .testTarget(name: "LearningTests", dependencies: ["Learning", "Declarations", "Detectors", "LinearAlgebra", "Synthetic", "TestSupport"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "Detectors", "Declarations", "Synthetic", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Scoring", "Detectors", "Declarations", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TestSupport"]),
        .testTarget(name: "SyntheticTests", dependencies: ["Synthetic", "CSVCore", "Declarations", "TestSupport"]),
        .testTarget(name: "TradeScanCLITests", dependencies: ["tradescan", "CSVCore", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// Whole-package inlining across modules in release builds: the hot loops call
// small accessors of other modules (Matrix elements, column reads, writers).
for target in package.targets where target.type == .regular || target.type == .executable {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
}
