/// Byte-level helpers for the ASCII fast paths of the text the detectors read
/// (descriptions, party names): each such path reads ASCII text as bytes and
/// hands any other text to the Unicode-scalar path it stands in for.
enum ASCIIText {
    /// Whether every byte of `bytes` is ASCII (below 0x80).
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for b in bytes where b >= 0x80 { return false }
        return true
    }

    /// `b` lower-cased if it is an ASCII capital letter.
    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
}
