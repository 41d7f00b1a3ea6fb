/// Numbers written into reasons, evidence and chart labels: rounded to a whole
/// number, or cut to a few decimals, as `String(Int(v.rounded()))` and
/// `String(Double(Int(v * 100)) / 100)` spell them, but without trapping on a
/// value an `Int` cannot hold. A declared value of 1e308 USD, or a weight of
/// 1e-300 kg, is bad data, not a reason to stop a run: such values are written
/// in scientific notation ("1e+30"), and infinities and NaN as "inf", "-inf" and
/// "nan".
public enum ProseNumber {
    /// Magnitudes from which values are written in scientific notation.
    public static let large = 1e15

    /// `v` rounded to a whole number ("12", "-3").
    public static func whole(_ v: Double) -> String {
        guard v.isFinite else { return special(v) }
        let r = v.rounded()
        return abs(r) < large ? String(Int(r)) : scientific(r)
    }

    /// `v` cut toward zero to `places` decimals (0...6) and printed as a
    /// `Double` ("2.75", "0.5", "3.0").
    public static func cut(_ v: Double, places: Int) -> String {
        guard v.isFinite else { return special(v) }
        precondition(places >= 0 && places <= 6, "0 to 6 places")
        guard abs(v) < large else { return scientific(v) }
        let scale = PowersOfTen.exact(places)
        guard abs(v) * scale < 9e18 else { return whole(v) }
        return String(Double(Int(v * scale)) / scale)
    }

    /// `n`, a count or an amount, with thousands separators ("1,000,000").
    public static func grouped(_ v: Double) -> String {
        guard v.isFinite else { return special(v) }
        let r = v.rounded()
        guard abs(r) < large else { return scientific(r) }
        let s = String(Int(r))
        var out = ""
        for (i, ch) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 && ch != "-" { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }

    /// Three significant digits and an exponent ("1.23e+30").
    static func scientific(_ v: Double) -> String {
        var exponent = 0
        var m = abs(v)
        while m >= 10 { m /= 10; exponent += 1 }
        let digits = (m * 100).rounded() / 100
        let mantissa = digits >= 10 ? 1.0 : digits
        if digits >= 10 { exponent += 1 }
        let text = mantissa == mantissa.rounded() ? String(Int(mantissa)) : String(mantissa)
        return (v < 0 ? "-" : "") + text + "e+" + String(exponent)
    }

    static func special(_ v: Double) -> String {
        v.isNaN ? "nan" : v < 0 ? "-inf" : "inf"
    }
}
