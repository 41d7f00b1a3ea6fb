/// UTF-8 validity of byte ranges, with an ASCII fast path (32, then 8 bytes at a time).
enum UTF8Validation {
    /// The offset of the first byte of the first invalid sequence, or nil.
    static func firstInvalid(_ p: UnsafeRawBufferPointer) -> Int? {
        let n = p.count
        let high: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i < n {
            // ASCII run: four words OR-ed per test, then a word at a time, then the
            // last word again (overlapping) for the under-8-byte rest.
            while i + 32 <= n {
                let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self) | p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                    | p.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self) | p.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
                if w & high != 0 { break }
                i += 32
            }
            while i + 8 <= n && p.loadUnaligned(fromByteOffset: i, as: UInt64.self) & high == 0 { i += 8 }
            if n >= 8 && n - i < 8 && p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) & high == 0 { return nil }
            guard i < n else { return nil }
            let b = p[i]
            if b < 0x80 { i += 1; continue }
            var need = 0
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            for k in 1...need {
                guard i + k < n else { return i }
                let c = p[i + k]
                if k == 1 { guard c >= lo && c <= hi else { return i } } else { guard c >= 0x80 && c <= 0xBF else { return i } }
            }
            i += need + 1
        }
        return nil
    }
}
