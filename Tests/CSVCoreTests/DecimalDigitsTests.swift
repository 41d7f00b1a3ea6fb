@testable import CSVCore
import Testing

@Suite("number format: powers of ten")
struct DecimalDigitsPowerTests {
    @Test("the powers table equals ten multiplied by itself, bit for bit, for 0 to 18 places")
    func powersAreProducts() {
        var p = 1.0
        for places in 0...18 {
            #expect(DecimalDigits.power(places).bitPattern == p.bitPattern, "10^\(places)")
            p *= 10
        }
    }
}
