@testable import CSVCore
import Testing

@Suite("number format: powers of ten")
struct DecimalDigitsPowerTests {
    @Test("the powers of ten equal ten multiplied by itself, bit for bit, for 0 to 22 (the format's 0 to 18)")
    func powersAreProducts() {
        var p = 1.0
        for k in 0...PowersOfTen.largestExact {
            #expect(PowersOfTen.exact(k).bitPattern == p.bitPattern, "10^\(k)")
            if k <= 18 { #expect(DecimalDigits.power(k).bitPattern == p.bitPattern, "format 10^\(k)") }
            p *= 10
        }
    }
}
