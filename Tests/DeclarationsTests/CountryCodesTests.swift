@testable import Declarations
import Testing

/// Country codes from bytes, against an oracle spelled from the public table:
/// every pair of bytes through both lookups (the static one and the one ingest
/// holds), and the longer forms.
@Suite("country codes")
struct CountryCodesTests {
    @Test("every two-byte value: the code of its upper-cased letters in the alpha-2 table, else nil, through both lookups")
    func alpha2Pairs() {
        let byAlpha2 = Dictionary(uniqueKeysWithValues: (1...CountryCodes.count).map { (CountryCodes.alpha2(UInt16($0)), UInt16($0)) })
        let lookup = CountryCodes.Lookup()
        var known = 0
        for a in 0...255 {
            for b in 0...255 {
                let bytes: [UInt8] = [UInt8(a), UInt8(b)]
                let letters = bytes.allSatisfy { (65...90).contains($0) || (97...122).contains($0) }
                let expected = letters ? byAlpha2[String(decoding: bytes, as: UTF8.self).uppercased()] : nil
                let (fast, slow) = bytes.withUnsafeBytes { (lookup.code($0), CountryCodes.code($0)) }
                #expect(fast == expected && slow == expected, "\(a) \(b)")
                if expected != nil { known += 1 }
            }
        }
        #expect(known == 4 * CountryCodes.count, "every alpha-2 in four cases")
    }

    @Test("alpha-3 and names go the same way through both lookups", arguments: ["KOR", "kor", "Korea, Republic of", "germany", "", "X", "ZZZ"])
    func longer(text: String) {
        var t = text
        #expect(t.withUTF8 { CountryCodes.Lookup().code(UnsafeRawBufferPointer($0)) } == CountryCodes.code(text))
    }
}
