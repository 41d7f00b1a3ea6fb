/// FNV-1a 64 over UTF-8, in hexadecimal: a fingerprint that is the same on every
/// machine and run (Swift's `Hasher` is seeded per process). Names schemas in model
/// files and keys the detectors' shared work.
public func stableFingerprint(_ text: String) -> String {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return String(h, radix: 16)
}
