/// Turning field bounds back into values.
public enum FieldValue {
    /// The field's bytes with doubled quotes unescaped.
    public static func bytes(
        _ buffer: UnsafeRawBufferPointer, start: Int, end: Int, flags: FieldFlags, quote: UInt8 = UInt8(ascii: "\"")
    ) -> [UInt8] {
        let slice = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
        guard flags.contains(.escapedQuote) else { return Array(slice) }
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var previousWasQuote = false
        for b in slice {
            if b == quote && previousWasQuote { previousWasQuote = false; continue }
            previousWasQuote = b == quote
            out.append(b)
        }
        return out
    }

    /// The field as a `String`, invalid UTF-8 repaired with U+FFFD.
    public static func string(
        _ buffer: UnsafeRawBufferPointer, start: Int, end: Int, flags: FieldFlags, quote: UInt8 = UInt8(ascii: "\"")
    ) -> String {
        String(decoding: bytes(buffer, start: start, end: end, flags: flags, quote: quote), as: UTF8.self)
    }
}
