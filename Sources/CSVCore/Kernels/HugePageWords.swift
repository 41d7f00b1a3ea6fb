#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Zeroed 64-bit words in a mapping of their own, backed by 2 MiB pages where
/// the kernel's transparent huge pages are `madvise` (Debian's default, and
/// this machine's) or `always` (`MADV_HUGEPAGE`; under `never` the hint does
/// nothing and the words are in 4 KiB pages).
///
/// For big tables probed at random: the duplicate-key table of 10M rows is
/// 128 MB, and with 4 KiB pages every probe also missed the TLB and walked the
/// page tables (half of the merge's time). Mapped memory is the kernel's zero
/// pages until written (small tables, and any the mapping fails for, are
/// allocated and zeroed instead), and goes back to the system when this is freed.
public final class HugePageWords: @unchecked Sendable {
    // safe to send: written only by a single owner (its users copy it before writing when it is
    // shared, as KeySet does); shared copies only read.
    public let words: UnsafeMutablePointer<UInt64>
    public let count: Int
    private let mapping: UnsafeMutableRawPointer?
    private let mappedBytes: Int

    static let hugePage = 2 << 20

    public init(count: Int) {
        self.count = count
        let bytes = count * MemoryLayout<UInt64>.stride
        #if os(Linux)
        if bytes >= HugePageWords.hugePage {
            // A huge page must start at a 2 MiB boundary: map one page more and start at the first boundary.
            let size = (bytes + HugePageWords.hugePage - 1) / HugePageWords.hugePage * HugePageWords.hugePage + HugePageWords.hugePage
            if let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED {
                let aligned = (Int(bitPattern: p) + HugePageWords.hugePage - 1) & ~(HugePageWords.hugePage - 1)
                _ = madvise(UnsafeMutableRawPointer(bitPattern: aligned), size - (aligned - Int(bitPattern: p)), MADV_HUGEPAGE)
                mapping = p
                mappedBytes = size
                words = UnsafeMutableRawPointer(bitPattern: aligned)!.bindMemory(to: UInt64.self, capacity: count)
                return
            }
        }
        #endif
        mapping = nil
        mappedBytes = 0
        words = .allocate(capacity: max(1, count))
        words.initialize(repeating: 0, count: count)
    }

    /// A copy of these words.
    public func copy() -> HugePageWords {
        let other = HugePageWords(count: count)
        other.words.update(from: words, count: count)
        return other
    }

    deinit {
        if let mapping {
            munmap(mapping, mappedBytes)
        } else {
            words.deallocate()
        }
    }
}
