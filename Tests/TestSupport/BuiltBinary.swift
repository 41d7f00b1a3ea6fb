import Foundation

/// Runs the built `tradescan` executable and captures what it prints.
///
/// The CLI test target depends on the executable target, so SwiftPM builds it
/// into the same folder as the test bundle.
public enum BuiltBinary {
    /// What one run printed and how it ended.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The path of the built `tradescan` beside the running test bundle.
    public static var tradescan: URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for dir in candidates {
            let url = dir.appendingPathComponent("tradescan")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidates[0].appendingPathComponent("tradescan")
    }

    /// A fresh temporary folder (`prefix`) and, in its `data` folder, the files
    /// `tradescan generate` writes for these options: the setup of most CLI tests.
    /// Throws with the generator's error when it fails.
    public static func generated(_ prefix: String, rows: Int, seed: Int, dirty: Bool = false) throws -> (tmp: TemporaryDirectory, data: String) {
        let tmp = try TemporaryDirectory(prefix)
        let data = tmp.file("data")
        let r = try run(["generate", "--rows", String(rows), "--seed", String(seed), "--out", data] + (dirty ? ["--dirty"] : []))
        guard r.status == 0 else {
            tmp.remove()
            throw GenerateFailed(status: r.status, stderr: r.stderr)
        }
        return (tmp, data)
    }

    /// `generated` could not write its data.
    public struct GenerateFailed: Error, CustomStringConvertible {
        public var status: Int32
        public var stderr: String
        public var description: String { "tradescan generate exited \(status): \(stderr)" }
    }

    /// Runs `tradescan` with `arguments`, optional standard input, and an
    /// environment overlay; waits for it to finish.
    public static func run(
        _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
        currentDirectory: URL? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = tradescan
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Read both pipes to the end before waiting, so a chatty child cannot block.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
