import CSVCore
import Foundation
import TestSupport
import Testing

/// Chromium from Debian's packages (Scripts/setup.sh installs it).
private func chromium() throws -> String {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let path = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
    }
    Issue.record("no Chromium on PATH: run Scripts/setup.sh (apt-get install chromium)")
    throw CancellationError()
}

private func runChromium(_ args: [String]) throws -> (stdout: String, stderr: String, status: Int32) {
    // A profile of its own, removed after (one per run was left behind).
    let profile = try TemporaryDirectory("chromium-profile")
    defer { profile.remove() }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try chromium())
    p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                   "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile.path] + args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Read both pipes while it runs so neither fills.
    nonisolated(unsafe) var errData = Data()
    let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    while !reader.isFinished { usleep(10_000) }
    return (String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self), p.terminationStatus)
}

@Suite("report.html in a real headless browser")
struct HTMLReportCLITests {
    @Test("the page renders (screenshot), runs no script, and a <script> planted in a description shows as text")
    func chromiumRendersSafely() throws {
        let (tmp, data) = try BuiltBinary.generated("cli-html", rows: 8000, seed: 15)
        defer { tmp.remove() }
        #expect(try BuiltBinary.run(["scan", data + "/declarations.csv", "--out", tmp.file("first"), "--quiet"]).status == 0)
        // Plant markup in the description of the top-ranked row.
        let top = try CSVTable.read(tmp.file("first/ranked.csv"))
        let line = try #require(Int(top.rows[0][top.column("line")!]))
        let decl = try CSVTable.read(data + "/declarations.csv")
        let desc = try #require(decl.column("goods_description"))
        let payload = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">planted"
        var w = CSVWriter()
        w.record(decl.header)
        for (i, row) in decl.rows.enumerated() {
            var row = row
            if decl.lines[i] == line { row[desc] = payload }
            w.record(row)
        }
        try Data(w.buffer).write(to: URL(fileURLWithPath: tmp.file("planted.csv")))
        let scan = try BuiltBinary.run(["scan", tmp.file("planted.csv"), "--out", tmp.file("report"), "--quiet"])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(scan.stderr.isEmpty, "--quiet prints nothing: \(scan.stderr)")
        let html = try String(contentsOfFile: tmp.file("report/report.html"), encoding: .utf8)
        #expect(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"), "the payload is escaped in the file")
        #expect(!html.contains("<script"), "no script element at all")
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") }, "no network assets")

        let page = "file://" + tmp.file("report/report.html")
        let dom = try runChromium(["--dump-dom", page])
        #expect(dom.status == 0, "\(dom.stderr)")
        #expect(dom.stdout.contains("<title>TradeScan risk report</title>"), "no script changed the title")
        #expect(dom.stdout.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"), "the planted markup is text in the rendered page")
        #expect(!dom.stdout.contains("<img src=\"x\""), "the planted markup made no element")
        #expect(dom.stdout.contains("<svg"), "the charts are inline SVG")
        for bad in ["Uncaught", "Refused to", "Content Security Policy"] {
            #expect(!dom.stderr.contains(bad), "browser console: \(bad)")
        }
        let shot = try runChromium(["--hide-scrollbars", "--window-size=1400,2000", "--screenshot=" + tmp.file("shot.png"), page])
        #expect(shot.status == 0, "\(shot.stderr)")
        let png = try Data(contentsOf: URL(fileURLWithPath: tmp.file("shot.png")))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 50_000, "a screenshot of a rendered page (\(png.count) bytes)")
    }
}
