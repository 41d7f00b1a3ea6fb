import Foundation

/// A risk profile: for each value (or combination of values) of its fields, how
/// many labelled rows had it and how many of those were positive.
///
/// A row's profile features are the smoothed outcome rate of its key,
/// `(positives + prior · m) / (count + m)`, as log-odds, and the log of the count.
/// Keys never seen get the prior. Training rows get out-of-fold values
/// (`fitOutOfFold`): counts without the row's own fold, so no row sees its own label.
public struct RiskProfile: Sendable {
    public var spec: ProfileSpec
    /// Sorted keys and, for each, labelled rows and positives among them.
    var keys: [UInt64]
    var counts: [UInt32]
    var positives: [UInt32]
    private var index: [UInt64: Int32]

    init(spec: ProfileSpec, keys: [UInt64], counts: [UInt32], positives: [UInt32]) {
        self.spec = spec
        self.keys = keys
        self.counts = counts
        self.positives = positives
        var index = [UInt64: Int32](minimumCapacity: keys.count)
        for (i, k) in keys.enumerated() { index[k] = Int32(i) }
        self.index = index
    }

    /// Distinct keys seen with a label.
    public var keyCount: Int { keys.count }

    /// (labelled rows, positives) for `key`; (0, 0) when never seen.
    @inline(__always)
    public func lookup(_ key: UInt64) -> (count: Double, positives: Double) {
        guard let i = index[key] else { return (0, 0) }
        return (Double(counts[Int(i)]), Double(positives[Int(i)]))
    }

    /// Counts from every labelled row, and out-of-fold counts per row.
    ///
    /// - Parameters:
    ///   - keys: one key per row.
    ///   - outcome: 1 positive, 0 negative, −1 unknown (not counted).
    ///   - folds: each row's fold in 0..<foldCount.
    /// - Returns: the profile, and per row (count, positives) without the row's fold.
    ///   The out-of-fold count is scaled by `k / (k − 1)` so it reads on the same
    ///   scale as a full count. Rows without a label get the full counts.
    static func fitOutOfFold(spec: ProfileSpec, keys rowKeys: [UInt64], outcome: [Int8], folds: [UInt8],
                             foldCount k: Int) -> (RiskProfile, oof: [(count: Double, positives: Double)]) {
        var ids: [UInt64: Int32] = [:]
        var perFold: [UInt32] = []   // [id * k * 2 + fold * 2 + {0 count, 1 positives}]
        var rowID = [Int32](repeating: -1, count: rowKeys.count)
        for r in rowKeys.indices where outcome[r] >= 0 {
            let id: Int32
            if let i = ids[rowKeys[r]] { id = i } else {
                id = Int32(ids.count)
                ids[rowKeys[r]] = id
                perFold.append(contentsOf: repeatElement(0, count: 2 * k))
            }
            rowID[r] = id
            let base = Int(id) * 2 * k + Int(folds[r]) * 2
            perFold[base] += 1
            if outcome[r] > 0 { perFold[base + 1] += 1 }
        }
        var total = [UInt32](repeating: 0, count: ids.count * 2)
        for id in 0..<ids.count {
            for f in 0..<k {
                total[2 * id] += perFold[id * 2 * k + f * 2]
                total[2 * id + 1] += perFold[id * 2 * k + f * 2 + 1]
            }
        }
        let sorted = ids.sorted { $0.key < $1.key }
        let profile = RiskProfile(spec: spec, keys: sorted.map(\.key),
                                  counts: sorted.map { total[2 * Int($0.value)] },
                                  positives: sorted.map { total[2 * Int($0.value) + 1] })
        let scale = k > 1 ? Double(k) / Double(k - 1) : 1
        var oof = [(count: Double, positives: Double)](repeating: (0, 0), count: rowKeys.count)
        for r in rowKeys.indices {
            let id = rowID[r]
            if id < 0 {
                oof[r] = profile.lookup(rowKeys[r])
                continue
            }
            let i = Int(id)
            let base = i * 2 * k + Int(folds[r]) * 2
            let c = Double(total[2 * i] - perFold[base]), p = Double(total[2 * i + 1] - perFold[base + 1])
            oof[r] = (c * scale, p * scale)
        }
        return (profile, oof)
    }
}

extension RiskProfile: Codable {
    enum CodingKeys: String, CodingKey { case spec, entries }

    /// Entries are stored packed (key u64, count u32, positives u32, little-endian) as base64:
    /// exact, compact and deterministic.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(spec, forKey: .spec)
        var bytes = [UInt8]()
        bytes.reserveCapacity(keys.count * 16)
        for i in keys.indices {
            withUnsafeBytes(of: keys[i].littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: counts[i].littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: positives[i].littleEndian) { bytes.append(contentsOf: $0) }
        }
        try c.encode(Data(bytes), forKey: .entries)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let spec = try c.decode(ProfileSpec.self, forKey: .spec)
        let data = try c.decode(Data.self, forKey: .entries)
        guard data.count % 16 == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .entries, in: c, debugDescription: "profile entries are \(data.count) bytes, not a multiple of 16")
        }
        let bytes = [UInt8](data)
        func u64(_ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[o + $1]) << (8 * UInt64($1)) } }
        func u32(_ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[o + $1]) << (8 * UInt32($1)) } }
        var keys: [UInt64] = [], counts: [UInt32] = [], positives: [UInt32] = []
        for o in stride(from: 0, to: bytes.count, by: 16) {
            keys.append(u64(o)); counts.append(u32(o + 8)); positives.append(u32(o + 12))
            guard positives.last! <= counts.last!, keys.count == 1 || keys[keys.count - 2] < keys.last! else {
                throw DecodingError.dataCorruptedError(forKey: .entries, in: c, debugDescription: "profile entries out of order or inconsistent")
            }
        }
        self.init(spec: spec, keys: keys, counts: counts, positives: positives)
    }
}
