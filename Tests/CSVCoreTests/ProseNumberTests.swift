import CSVCore
import TestSupport
import Testing

@Suite("numbers in prose: whole, cut, grouped, never a trap")
struct ProseNumberTests {
    @Test("whole numbers: as Int(v.rounded()) below 1e15, scientific above, words for infinities and NaN", arguments: [
        (0.0, "0"), (-0.4, "0"), (2.5, "3"), (-2.5, "-3"), (123456.7, "123457"), (999_999_999_999_999.0, "999999999999999"),
        (1e15, "1e+15"), (1.2345e30, "1.23e+30"), (-9.996e20, "-1e+21"), (1e308, "1e+308"), (Double.infinity, "inf"),
        (-Double.infinity, "-inf"), (Double.nan, "nan"),
    ])
    func whole(v: Double, text: String) {
        #expect(ProseNumber.whole(v) == text)
    }

    @Test("cut toward zero to places, printed as a Double; the same as the Int round trip wherever that does not trap", arguments: [
        (2.756, 2, "2.75"), (-2.756, 2, "-2.75"), (0.5, 1, "0.5"), (3.0, 1, "3.0"), (1e-300, 4, "0.0"), (9.9e14, 4, "990000000000000"),
        (5e16, 2, "5e+16"), (Double.nan, 2, "nan"),
    ])
    func cut(v: Double, places: Int, text: String) {
        #expect(ProseNumber.cut(v, places: places) == text)
    }

    @Test("cut equals String(Double(Int(v * 10^p)) / 10^p) on seeded values that fit", arguments: [UInt64(1), 2])
    func cutOracle(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for _ in 0..<2_000 {
            let v = Double.random(in: -1e9...1e9, using: &rng) / Double([1, 10, 1000, 1e6].randomElement(using: &rng)!)
            for p in 0...4 {
                var s = 1.0
                for _ in 0..<p { s *= 10 }
                #expect(ProseNumber.cut(v, places: p) == String(Double(Int(v * s)) / s))
            }
            #expect(ProseNumber.whole(v) == String(Int(v.rounded())))
        }
    }

    @Test("grouped thousands", arguments: [(0.0, "0"), (999.0, "999"), (1000.0, "1,000"), (-1234567.0, "-1,234,567"), (1e20, "1e+20")])
    func grouped(v: Double, text: String) {
        #expect(ProseNumber.grouped(v) == text)
    }
}
