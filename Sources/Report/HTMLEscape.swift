/// Escapes text for HTML element content and quoted attribute values.
/// Everything from the input passes through here before it reaches report.html.
public func htmlEscaped(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for ch in s.unicodeScalars {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            // Control characters other than tab and newlines are dropped: they have no place in a page.
            if ch.value < 0x20 && ch != "\t" && ch != "\n" && ch != "\r" { continue }
            out.unicodeScalars.append(ch)
        }
    }
    return out
}
