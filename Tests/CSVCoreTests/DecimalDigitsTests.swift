@testable import CSVCore
import TestSupport
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

@Suite("number format: digit counts")
struct DecimalDigitsCountTests {
    /// The count by repeated division: the oracle.
    static func counted(_ v: UInt64) -> Int {
        var n = 1, x = v
        while x >= 10 { x /= 10; n += 1 }
        return n
    }

    @Test("integer powers of ten are ten multiplied by itself, 0 to 19")
    func integerPowers() {
        var p: UInt64 = 1
        for k in 0...19 {
            #expect(PowersOfTen.integer(k) == p, "10^\(k)")
            if k < 19 { p *= 10 }
        }
    }

    @Test("digit count equals the count by division at every power of ten and of two, their neighbours, and seeded values")
    func digitCount() {
        var values: [UInt64] = [0, 1, 9, 10, 11, .max, .max - 1]
        for k in 0...19 { let p = PowersOfTen.integer(k); values += [p - 1, p, p + 1] }
        for b in 0..<64 { let p = UInt64(1) << UInt64(b); values += [p - 1, p, p + 1] }
        var x: UInt64 = 0x1234_5678_9ABC_DEF1
        for _ in 0..<10_000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(x >> UInt64(x % 64))
        }
        for v in values { #expect(DecimalDigits.digitCount(v) == Self.counted(v), "\(v)") }
        // Below 10^8, the count by comparisons too.
        for v in values where v < 100_000_000 {
            #expect(DecimalDigits.shortDigitCount(UInt32(v)) == Self.counted(v), "short \(v)")
        }
    }

    @Test("trailing zeros by divisibility equal the count by division, for every places 1...8 and every fraction at its powers of ten and seeded ones")
    func trailingZeros() {
        var rng = SeededRandom(seed: 53)
        for places in 1...8 {
            let limit = Int(PowersOfTen.integer(places))
            var fractions = [1, limit - 1]
            for k in 0..<places { let p = Int(PowersOfTen.integer(k)); fractions += [p, 3 * p, p + 1, 9 * p] }
            for _ in 0..<2_000 { fractions.append(Int.random(in: 1..<limit, using: &rng) / Int(PowersOfTen.integer(Int.random(in: 0..<places, using: &rng)))) }
            for f in fractions where f > 0 && f < limit {
                var zeros = 0, x = f
                while x % 10 == 0 { x /= 10; zeros += 1 }
                #expect(DecimalDigits.trailingZeros(UInt64(f), below: places) == zeros, "\(f) at \(places) places")
            }
        }
    }
}

@Suite("number format: rounding")
struct DecimalDigitsRoundingTests {
    @Test("rounding half away from zero equals Int(x.rounded()) at halves, their neighbours, binade edges and seeded values")
    func roundHalfAway() {
        var values: [Double] = [0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 0.49999999999999994, -0.49999999999999994, 1e15, 9e18, -9e18]
        for k in 0..<40 {
            let h = Double(k) + 0.5
            values += [h, -h, h.nextUp, h.nextDown, -h.nextUp, -h.nextDown]
        }
        for e in [51, 52, 53, 60, 62] {
            let p = Double(sign: .plus, exponent: e, significand: 1)
            values += [p, p.nextUp, p.nextDown, p + 0.5, -p, -(p.nextDown), p - 0.5]
        }
        var rng = SeededRandom(seed: 7)
        for _ in 0..<20_000 {
            let magnitude = Double.random(in: 0..<1, using: &rng) * PowersOfTen.exact(Int.random(in: 0...18, using: &rng))
            values += [magnitude, -magnitude, Double(Int.random(in: -1_000_000...1_000_000, using: &rng)) / 2]
        }
        for x in values where x.isFinite && abs(x) < 9.2e18 {
            #expect(DecimalDigits.roundHalfAway(x) == Int(x.rounded()), "\(x)")
        }
    }
}

@Suite("number format: the scaled number written once")
struct DecimalScaledTests {
    @Test("write(scaled:) equals the whole-and-fraction oracle for places 0...18, at zero, powers of ten, their neighbours, trailing zeros and seeded values, both signs")
    func sameAsParts() {
        var rng = SeededRandom(seed: 47)
        var values: [Int] = [0, 1, 5, 10, 100, 1_000, 10_000, 8_999_999_999_999_999_999 / 1, 18_652_084, 1_010, 100_100]
        for k in 0...18 { let p = Int(PowersOfTen.integer(k)); values += [p - 1, p, p + 1, 7 * p] }
        for _ in 0..<5_000 { values.append(Int.random(in: 0...8_999_999_999_999_999_999, using: &rng) >> Int.random(in: 0...62, using: &rng)) }
        var fast = [UInt8](repeating: 0, count: 48), slow = [UInt8](repeating: 0, count: 48)
        for v in values {
            for m in [v, -v] {
                for places in 0...18 {
                    let scale = UInt(PowersOfTen.integer(places))
                    fast = [UInt8](repeating: 0xEE, count: 48)
                    let a = fast.withUnsafeMutableBufferPointer { DecimalDigits.write(scaled: m, places: places, to: $0.baseAddress!) }
                    #expect(fast[DecimalDigits.maxBytes...].allSatisfy { $0 == 0xEE }, "\(m) at \(places) places stays within maxBytes")
                    let b = slow.withUnsafeMutableBufferPointer {
                        DecimalDigits.write(sign: m < 0, whole: m.magnitude / scale, fraction: m.magnitude % scale, places: places, to: $0.baseAddress!)
                    }
                    #expect(fast[0..<a] == slow[0..<b], "\(m) at \(places) places")
                }
            }
        }
    }
}

@Suite("number format: digits eight at a time")
struct DecimalDigitsEightTests {
    @Test("writeDigits equals the two-at-a-time oracle for every count 0...20, at powers of ten, their neighbours and seeded values")
    func sameAsPairs() {
        var values: [UInt64] = [0, 1, 9, .max, 99_999_999, 100_000_000, 531_620_250_009_344_383]
        for k in 0...19 { let p = PowersOfTen.integer(k); values += [p - 1, p, p + 1] }
        var rng = SeededRandom(seed: 31)
        for _ in 0..<5_000 { values.append(UInt64.random(in: 0...UInt64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng)) }
        var fast = [UInt8](repeating: 0, count: 24), slow = [UInt8](repeating: 0, count: 24)
        for v in values {
            for count in 0...20 {
                fast.withUnsafeMutableBufferPointer { DecimalDigits.writeDigits(v, count: count, to: $0.baseAddress!) }
                slow.withUnsafeMutableBufferPointer { DecimalDigits.writeDigitsByPairs(v, count: count, to: $0.baseAddress!) }
                #expect(fast[0..<count] == slow[0..<count], "\(v) in \(count) digits")
            }
            // Padded: the same digits, whatever it wrote past them.
            for count in 0...20 {
                var padded = [UInt8](repeating: 0xEE, count: 24)
                padded.withUnsafeMutableBufferPointer { DecimalDigits.writeDigitsPadded(v, count: count, to: $0.baseAddress!) }
                slow.withUnsafeMutableBufferPointer { DecimalDigits.writeDigitsByPairs(v, count: count, to: $0.baseAddress!) }
                #expect(padded[0..<count] == slow[0..<count], "padded \(v) in \(count) digits")
                #expect(padded[max(8, count)...].allSatisfy { $0 == 0xEE }, "padded \(v) in \(count) digits touches max(8, count) bytes")
            }
            // The whole number: its digits, the count returned, no byte past max(8, count) touched.
            var whole = [UInt8](repeating: 0xEE, count: 24)
            let n = whole.withUnsafeMutableBufferPointer { DecimalDigits.writePadded(v, to: $0.baseAddress!) }
            #expect(Array(whole[0..<n]) == Array(String(v).utf8), "writePadded \(v)")
            #expect(whole[max(8, n)...].allSatisfy { $0 == 0xEE }, "writePadded \(v) touches max(8, count) bytes")
            // Every eight-digit word spells its number.
            let word = DecimalDigits.eightDigits(UInt32(v % 100_000_000))
            let spelled = Array(String(v % 100_000_000).utf8)
            #expect(withUnsafeBytes(of: word.littleEndian) { Array($0) } == Array(repeating: UInt8(ascii: "0"), count: 8 - spelled.count) + spelled)
        }
    }
}
