import CSVCore
@testable import Declarations
import Foundation
import TestSupport
import Testing

@Suite("rejects.csv")
struct RejectLogTests {
    /// The raw record's escape as it was first written, a String a byte: the oracle.
    static func oracle(_ raw: [UInt8]) -> String {
        var out = ""
        var bytes = raw[...]
        while !bytes.isEmpty {
            let b = bytes.first!
            let width = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            if width > 1, bytes.count >= width, let s = String(validating: bytes.prefix(width), as: UTF8.self) {
                out += s
                bytes = bytes.dropFirst(width)
                continue
            }
            switch b {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x5C: out += "\\\\"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(b))
            default: out += "\\x" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
            bytes = bytes.dropFirst()
        }
        return out
    }

    static func reject(_ raw: [UInt8], _ k: Int) -> Reject {
        Reject(fileIndex: k % 2, line: k + 2, byteOffset: k * 300, column: k % 7 + 1, record: k % 5 == 0 ? -1 : k,
               field: ["", "value", "=field"][k % 3], reason: RejectReason.allCases[k % RejectReason.allCases.count],
               message: ["'x' is wrong", "value 'y' is not a number", "-z"][k % 3], raw: raw)
    }

    @Test("the raw record's escape equals the String oracle: control bytes, backslashes, valid and broken UTF-8", arguments: [
        Array("plain, \"quoted\" text".utf8), [0x0A, 0x0D, 0x09, 0x00, 0x7F, 0x5C], Array("镓锭 é 🙂".utf8),
        [0xC3], [0xC3, 0x28], [0xE2, 0x82], [0xF0, 0x9F, 0x99], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF, 0xFE],
        Array("=cmd".utf8), [],
    ])
    func escape(raw: [UInt8]) {
        var out: [UInt8] = []
        Reject.escape(raw, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == Self.oracle(raw))
    }

    @Test("seeded bytes escape as the oracle does", arguments: [UInt64(1), 2, 3])
    func escapeSeeded(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let pool: [UInt8] = [0x00, 0x0A, 0x0D, 0x20, 0x41, 0x5C, 0x7F, 0x80, 0xBF, 0xC2, 0xC3, 0xE2, 0xE9, 0xED, 0xF0, 0xF4, 0xFF, 0x82, 0xA9]
        for _ in 0..<500 {
            let raw = (0..<Int.random(in: 0...40, using: &rng)).map { _ in pool.randomElement(using: &rng)! }
            var out: [UInt8] = []
            Reject.escape(raw, into: &out)
            #expect(String(decoding: out, as: UTF8.self) == Self.oracle(raw), "\(raw)")
        }
    }

    @Test("rejects.csv written a block at a time is the whole buffer's bytes, and reads back cell by cell")
    func streamed() throws {
        let dir = try TemporaryDirectory("reject-log")
        defer { dir.remove() }
        var rng = SeededRandom(seed: 9)
        // About 3 MB: the 1 MiB blocks are crossed.
        let rejects = (0..<9_000).map { k in
            Self.reject((0..<300).map { _ in [UInt8(ascii: "a"), 0x2C, 0x22, 0x0A, 0xC3, 0xA9, 0xFF, 0x3D][Int.random(in: 0..<8, using: &rng)] }, k)
        }
        let files = ["a.csv", "=b.csv"]
        // Written from a store that spilled most of them: read back in place, block by block.
        let spill = dir.file("spill")
        try FileManager.default.createDirectory(atPath: spill, withIntermediateDirectories: false)
        let store = RejectStore(memoryLimit: 100_000, spillDirectory: spill)
        for r in rejects { try store.append(r) }
        try RejectLog.write(store, files: files, to: dir.file("rejects.csv"))
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.file("rejects.csv"))))
        #expect(written == RejectLog.csv(rejects, files: files))
        let table = try CSVTable.read(dir.file("rejects.csv"))
        #expect(table.header == RejectLog.header && table.rows.count == rejects.count)
        for (k, r) in rejects.enumerated().filter({ $0.offset % 97 == 0 }) {
            let row = table.rows[k]
            #expect(row == [files[r.fileIndex], String(r.line), String(r.byteOffset), String(r.column), r.record >= 0 ? String(r.record) : "",
                            r.field, r.reason.rawValue, r.message, Self.oracle(r.raw)].map(CSVWriter.neutralised))
        }
    }
}
