import CSVCore
import Foundation

/// Inline SVG charts for report.html: no script, no external assets.
enum SVGCharts {
    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// Vertical bars with labels under them; values on top.
    static func bars(_ items: [(label: String, value: Double)], width: Double = 640, height: Double = 220,
                     logScale: Bool = false, title: String) -> String {
        let left = 48.0, bottom = 44.0, top = 16.0
        let plotH = height - bottom - top
        let n = max(1, items.count)
        let slot = (width - left - 8) / Double(n)
        func t(_ v: Double) -> Double { logScale ? log10(1 + v) : v }
        let maxV = max(1e-9, items.map { t($0.value) }.max() ?? 1)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\"><title>\(htmlEscaped(title))</title>"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(width - 4))\" y2=\"\(f(top + plotH))\" stroke=\"#888\"/>"
        for (i, item) in items.enumerated() {
            let h = plotH * t(item.value) / maxV
            let x = left + Double(i) * slot + slot * 0.1
            s += "<rect x=\"\(f(x))\" y=\"\(f(top + plotH - h))\" width=\"\(f(slot * 0.8))\" height=\"\(f(h))\" fill=\"#c0392b\"><title>\(htmlEscaped(item.label)): \(Format.decimal(item.value))</title></rect>"
            s += "<text x=\"\(f(x + slot * 0.4))\" y=\"\(f(top + plotH - h - 3))\" font-size=\"10\" text-anchor=\"middle\">\(htmlEscaped(ProseNumber.grouped(item.value)))</text>"
            s += "<text x=\"\(f(x + slot * 0.4))\" y=\"\(f(top + plotH + 14))\" font-size=\"10\" text-anchor=\"middle\">\(htmlEscaped(item.label))</text>"
        }
        if logScale {
            s += "<text x=\"4\" y=\"\(f(top + 8))\" font-size=\"10\">log scale</text>"
        }
        return s + "</svg>"
    }

    /// Observed against baseline over months, for one corridor.
    static func series(months: [String], observed: [Double], baseline: [Double?], eventIndex: Int?,
                       title: String, width: Double = 420, height: Double = 200) -> String {
        let left = 56.0, bottom = 30.0, top = 24.0, right = 8.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxV = max(1e-9, (observed + baseline.compactMap { $0 }).max() ?? 1)
        let n = max(2, months.count)
        func x(_ i: Int) -> Double { left + plotW * Double(i) / Double(n - 1) }
        func y(_ v: Double) -> Double { top + plotH * (1 - v / maxV) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\"><title>\(htmlEscaped(title))</title>"
        s += "<text x=\"\(f(left))\" y=\"14\" font-size=\"11\" font-weight=\"bold\">\(htmlEscaped(title))</text>"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\" stroke=\"#888\"/>"
        s += "<text x=\"\(f(left - 4))\" y=\"\(f(top + 8))\" font-size=\"9\" text-anchor=\"end\">\(ProseNumber.grouped(maxV)) kg</text>"
        s += "<text x=\"\(f(left - 4))\" y=\"\(f(top + plotH))\" font-size=\"9\" text-anchor=\"end\">0</text>"
        if let e = eventIndex, e >= 0, e < months.count {
            s += "<line x1=\"\(f(x(e)))\" y1=\"\(f(top))\" x2=\"\(f(x(e)))\" y2=\"\(f(top + plotH))\" stroke=\"#999\" stroke-dasharray=\"3,3\"><title>control date</title></line>"
        }
        let obs = observed.indices.map { "\(f(x($0))),\(f(y(observed[$0])))" }.joined(separator: " ")
        s += "<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.8\" points=\"\(obs)\"><title>observed kg</title></polyline>"
        let base = baseline.indices.compactMap { i in baseline[i].map { "\(f(x(i))),\(f(y($0)))" } }.joined(separator: " ")
        if !base.isEmpty {
            s += "<polyline fill=\"none\" stroke=\"#2c3e50\" stroke-width=\"1.2\" stroke-dasharray=\"4,2\" points=\"\(base)\"><title>baseline kg</title></polyline>"
        }
        if let first = months.first, let last = months.last {
            s += "<text x=\"\(f(left))\" y=\"\(f(height - 10))\" font-size=\"9\">\(htmlEscaped(first))</text>"
            s += "<text x=\"\(f(left + plotW))\" y=\"\(f(height - 10))\" font-size=\"9\" text-anchor=\"end\">\(htmlEscaped(last))</text>"
        }
        return s + "</svg>"
    }
}
