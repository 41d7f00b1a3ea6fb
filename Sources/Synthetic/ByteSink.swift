/// A growable byte buffer with the appends the CSV writer needs: pre-encoded
/// pieces, integers and fixed-point decimals, without building a `String` per row.
struct ByteSink {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    @inline(__always) mutating func append(_ b: UInt8) { bytes.append(b) }
    @inline(__always) mutating func append(_ piece: [UInt8]) { bytes.append(contentsOf: piece) }
    mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends a non-negative integer, zero-padded to `width` digits.
    mutating func append(int value: Int, width: Int = 0) {
        precondition(value >= 0, "append(int:) takes non-negative values")
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value, count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(48 + n % 10)
                n /= 10
                count += 1
            } while n > 0
            while count < width { d[count] = 48; count += 1 }
            for k in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[k]) }
        }
    }

    /// Appends `value` rounded to `decimals` places, trailing zeros trimmed
    /// (`12.50` → `12.5`, `3.00` → `3`). Negative values get a minus sign.
    mutating func append(decimal value: Double, decimals: Int) {
        var v = value
        if v < 0 { bytes.append(UInt8(ascii: "-")); v = -v }
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (v * Double(scale)).rounded()
        guard scaled < 9e15 else {
            // Out of fixed-point range: fall back to the shortest round-trip form.
            bytes.append(contentsOf: Array(String(v).utf8))
            return
        }
        let total = Int(scaled)
        append(int: total / scale)
        var frac = total % scale
        guard frac != 0 else { return }
        var width = decimals
        while frac % 10 == 0 { frac /= 10; width -= 1 }
        bytes.append(UInt8(ascii: "."))
        append(int: frac, width: width)
    }
}

/// Encodes `text` as one CSV field: quoted only when needed.
func csvField(_ text: String) -> [UInt8] {
    let raw = Array(text.utf8)
    var needs = raw.first == 0x20 || raw.last == 0x20
    for b in raw where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 0x0A || b == 0x0D { needs = true }
    guard needs else { return raw }
    var out: [UInt8] = [UInt8(ascii: "\"")]
    for b in raw {
        if b == UInt8(ascii: "\"") { out.append(b) }
        out.append(b)
    }
    out.append(UInt8(ascii: "\""))
    return out
}
