import CSVKernelsC

/// Cache prefetch: the one hint Swift has no spelling for.
public enum Prefetch {
    /// Asks the CPU to bring the cache line at `address` into its caches, for a
    /// read soon. A hint: it never faults, whatever the address, and changes no
    /// result, so a lookup can ask for the lines of lookups a few places ahead
    /// and have their cache misses overlap instead of following one another.
    @inlinable @inline(__always)
    public static func read(_ address: UnsafeRawPointer) { tradescan_prefetch(address) }

    /// Asks for element `index` of `buffer` (an index outside it asks for nothing).
    @inlinable @inline(__always)
    public static func read<T>(_ buffer: UnsafeBufferPointer<T>, at index: Int) {
        guard index >= 0 && index < buffer.count, let base = buffer.baseAddress else { return }
        tradescan_prefetch(base + index)
    }

    /// `read(_:at:)` for a buffer being written.
    @inlinable @inline(__always)
    public static func read<T>(_ buffer: UnsafeMutableBufferPointer<T>, at index: Int) {
        read(UnsafeBufferPointer(buffer), at: index)
    }
}
