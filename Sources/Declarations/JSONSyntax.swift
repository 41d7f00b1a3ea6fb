/// A JSON (RFC 8259) syntax check that says where a hand-written file goes
/// wrong, and where each object key is. It accepts what Foundation's decoder
/// accepts (a comma before a closing bracket too), so it only ever explains.
///
/// Foundation's decoder reports only "The given data was not valid JSON" on
/// this platform; a mapping file is written by hand, and a missing comma or a
/// trailing one should come back as `file:line:column` with what was expected.
/// The keys' places let a later check point at a misspelt key.
enum JSONSyntax {
    /// The first syntax error.
    struct Problem: Error, Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    /// An object key: its path from the top (`["fields", "value"]`) and the byte
    /// offset of its opening quote (`place(of:in:)` gives line and column, when
    /// one is reported: working them out for every key rescanned the file each time).
    struct Key: Equatable {
        var path: [String]
        var offset: Int
    }

    /// 1-based line and column (in characters) of byte `at` of `bytes`.
    static func place(of at: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for k in 0..<min(at, bytes.count) {
            if bytes[k] == 0x0A {
                line += 1
                column = 1
            } else if bytes[k] & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    /// The keys of a well-formed document, or its first syntax error.
    static func check(_ bytes: [UInt8]) -> Result<[Key], Problem> {
        var p = Parser(bytes: bytes)
        do throws(Problem) {
            p.skipSpace()
            try p.value(path: [], depth: 0)
            p.skipSpace()
            if p.i < bytes.count { throw p.problem("unexpected \(p.describe()) after the document's end") }
            return .success(p.keys)
        } catch {
            return .failure(error)
        }
    }

    /// Deeper nesting is refused (no mapping file needs it; recursion stays bounded).
    static let maxDepth = 64

    private struct Parser {
        let bytes: [UInt8]
        var i = 0
        var keys: [Key] = []

        init(bytes: [UInt8]) { self.bytes = bytes }

        func problem(_ message: String, at: Int? = nil) -> Problem {
            let (line, column) = JSONSyntax.place(of: at ?? i, in: bytes)
            return Problem(line: line, column: column, message: message)
        }

        /// The byte at `i`, for messages.
        func describe() -> String {
            guard i < bytes.count else { return "end of file" }
            let b = bytes[i]
            return b >= 0x20 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16, uppercase: true))"
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        mutating func value(path: [String], depth: Int) throws(Problem) {
            guard depth < JSONSyntax.maxDepth else { throw problem("nested more than \(JSONSyntax.maxDepth) deep") }
            guard i < bytes.count else { throw problem("expected a value, found the end of file") }
            switch bytes[i] {
            case UInt8(ascii: "{"): try object(path: path, depth: depth)
            case UInt8(ascii: "["): try array(path: path, depth: depth)
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "'"): throw problem("strings take double quotes (\"), not single ones")
            default: throw problem("expected a value (a string in double quotes, a number, true, false, null, an object or an array), found \(describe())")
            }
        }

        mutating func object(path: [String], depth: Int) throws(Problem) {
            i += 1   // {
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return }
            while true {
                skipSpace()
                // A comma before the closing brace, as Foundation's decoder allows.
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return }
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                    if i < bytes.count, bytes[i] == UInt8(ascii: "'") { throw problem("keys take double quotes (\"), not single ones") }
                    throw problem("expected a key in double quotes, found \(describe())")
                }
                let at = i
                let key = try string()
                keys.append(Key(path: path + [key], offset: at))
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw problem("expected ':' after the key \"\(key)\", found \(describe())") }
                i += 1
                skipSpace()
                try value(path: path + [key], depth: depth + 1)
                skipSpace()
                guard i < bytes.count else { throw problem("expected ',' or '}', found the end of file (an object is not closed)") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return }
                throw problem("expected ',' or '}' after the value of \"\(key)\", found \(describe())")
            }
        }

        mutating func array(path: [String], depth: Int) throws(Problem) {
            i += 1   // [
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return }
            while true {
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return }   // as Foundation's decoder allows
                try value(path: path, depth: depth + 1)
                skipSpace()
                guard i < bytes.count else { throw problem("expected ',' or ']', found the end of file (an array is not closed)") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return }
                throw problem("expected ',' or ']' after an array element, found \(describe())")
            }
        }

        /// A string at `i` (its opening quote), unescaped.
        mutating func string() throws(Problem) -> String {
            let start = i
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if b < 0x20 { throw problem(b == 0x0A ? "a line break inside a string (write \\n, or close the string)" : "a control character inside a string") }
                if b == UInt8(ascii: "\\") {
                    guard i + 1 < bytes.count else { break }
                    let e = bytes[i + 1]
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        // Four hex digits exactly (UInt32(_:radix:) would also take a sign).
                        guard i + 6 <= bytes.count, bytes[(i + 2)..<(i + 6)].allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }),
                              let v = UInt32(String(decoding: bytes[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16) else {
                            throw problem("\\u takes four hex digits")
                        }
                        out.append(contentsOf: Array(String(Unicode.Scalar(v).map(Character.init) ?? "\u{FFFD}").utf8))
                        i += 6
                        continue
                    default:
                        throw problem("unknown escape \\\(Character(Unicode.Scalar(e))) (a backslash is written \\\\)")
                    }
                    i += 2
                    continue
                }
                if b >= 0x80 {
                    // A UTF-8 sequence, whole (Foundation refuses the file otherwise).
                    let n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                    guard i + n <= bytes.count, bytes[i..<(i + n)].withUnsafeBytes({ UTF8Validation.firstInvalid($0) }) == nil else {
                        throw problem("byte 0x\(String(b, radix: 16, uppercase: true)) is not UTF-8; save the file as UTF-8")
                    }
                    out.append(contentsOf: bytes[i..<(i + n)])
                    i += n
                    continue
                }
                out.append(b)
                i += 1
            }
            throw problem("a string is never closed", at: start)
        }

        mutating func number() throws(Problem) {
            let start = i
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            func digits() -> Int {
                let s = i
                while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
                return i - s
            }
            let whole = i
            guard digits() > 0 else { throw problem("a number needs digits", at: start) }
            if bytes[whole] == UInt8(ascii: "0") && i - whole > 1 { throw problem("a number does not start with 0", at: start) }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { throw problem("digits must follow a decimal point", at: start) }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw problem("an exponent needs digits", at: start) }
            }
        }

        mutating func literal(_ word: String) throws(Problem) {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else {
                throw problem("expected a value, found \(describe()) (strings take double quotes)")
            }
            i += w.count
        }
    }
}
