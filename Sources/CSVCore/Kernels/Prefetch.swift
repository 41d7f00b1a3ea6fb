import CSVKernelsC

/// Cache prefetch: the one hint Swift has no spelling for.
public enum Prefetch {
    /// Asks the CPU to bring the cache line at `address` into its caches, for a
    /// read soon. A hint: it never faults, whatever the address, and changes no
    /// result, so a lookup can ask for the lines of lookups a few places ahead
    /// and have their cache misses overlap instead of following one another.
    @inlinable @inline(__always)
    public static func read(_ address: UnsafeRawPointer) { tradescan_prefetch(address) }
}
