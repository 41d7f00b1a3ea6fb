#if canImport(Glibc)
import Glibc
import CMalloc
#else
import Darwin
#endif

/// Facts about the machine.
public enum System {
    public static var cores: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Hands the allocator's free pages back to the system (glibc's
    /// `malloc_trim`). Arrays freed at the end of a stage otherwise stay
    /// resident: once a large block has been freed, glibc raises its mmap
    /// threshold (up to 32 MB) and serves later blocks of that size from its
    /// heap, which keeps their pages after `free`. At 10M rows the fits left
    /// about 100 MB behind that way. Costs a walk over the free lists.
    public static func releaseFreeMemory() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }

    /// This process's resident memory now and its high-water mark, in bytes,
    /// from /proc/self/status (nil where there is no /proc).
    public static func residentMemory() -> (now: Int, peak: Int)? {
        let fd = open("/proc/self/status", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        func kilobytes(_ key: String) -> Int? {
            let text = String(decoding: bytes[0..<n], as: UTF8.self)
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return nil }
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
        }
        guard let now = kilobytes("VmRSS:"), let peak = kilobytes("VmHWM:") else { return nil }
        return (now * 1024, peak * 1024)
    }
}

/// The few file-system queries ingest needs, without Foundation.
enum FileSystem {
    static func exists(_ path: String, isDirectory: inout Bool) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
        return true
    }

    static func list(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if name != "." && name != ".." { out.append(name) }
        }
        return out
    }
}
