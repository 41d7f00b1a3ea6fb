/// Byte-level helpers for the ASCII fast paths of the text the detectors read
/// (descriptions, party names): each such path reads ASCII text as bytes and
/// hands any other text to the Unicode-scalar path it stands in for.
enum ASCIIText {
    /// Whether every byte of `bytes` is ASCII (below 0x80): eight bytes at a
    /// time (the top bit of each), then the rest one by one.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        var i = 0, high: UInt64 = 0
        while i &+ 8 <= n {
            high |= bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i &+= 8
        }
        if high & 0x8080_8080_8080_8080 != 0 { return false }
        while i < n {
            if bytes[i] >= 0x80 { return false }
            i &+= 1
        }
        return true
    }

    /// `b` lower-cased if it is an ASCII capital letter.
    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
}
