import Declarations

/// The traders that declare a controlled item under one of its own controlled
/// lines, and which items: goods_code's corroboration of a description that
/// names such an item under a line no control covers. A dealer in controlled
/// graphite who declares "expandable graphite 80 mesh" under 38029000
/// (activated carbon) knows what the goods are; an electronics maker naming
/// "gallium nitride" LED chips under 8541 deals in no controlled gallium.
///
/// Traders are keyed as the transshipment detectors key them
/// (`TradeContext.traderKeys`: the trader id, else "name:" and the name's
/// party key), so a model fitted on history recognises them in new files.
public struct ControlledDealers: Sendable, Codable, Equatable {
    /// Trader key → the item groups (controls-table names) it declares under their controlled lines, sorted.
    public var groups: [String: [String]]

    public init(groups: [String: [String]] = [:]) { self.groups = groups }

    /// Each row's trader and item group, keyed and numbered as `TradeContext`
    /// does (without the consignees, which the whole context also keys).
    struct Rows {
        var trader: PartyNumbers?
        var keys: [String]
        var group: PerCode<Int16>
        var groups: [String]

        init(_ table: DeclarationTable, controls: ControlsTable) {
            (trader, keys) = TradeContext.traders(table)
            group = TradeContext.itemGroups(table, controls: controls)
            groups = controls.groups
        }
    }

    /// The dealers of a table (`rows` of them): every trader with a row under a line a control covers.
    init(_ context: Rows, rows: Int) {
        guard let trader = context.trader else {
            groups = [:]
            return
        }
        // A bit per group (the controls table's first 64 item groups; a table has a handful),
        // over row ranges on every core.
        let traders = context.keys.count
        let parts = Parallel.map(0..<System.cores, threads: System.cores) { k -> [UInt64] in
            var dealt = [UInt64](repeating: 0, count: traders)
            for r in (rows * k / System.cores)..<(rows * (k + 1) / System.cores) {
                let g = Int(context.group[r])
                guard g >= 0 && g < 64 else { continue }
                dealt[Int(trader[r])] |= 1 << UInt64(g)
            }
            return dealt
        }
        var dealt = [UInt64](repeating: 0, count: traders)
        for part in parts { for t in 0..<traders { dealt[t] |= part[t] } }
        var out: [String: [String]] = [:]
        // A row with neither id nor name is no trader's ("" or "name:" with an empty party key): such rows are not one dealer.
        for (t, mask) in dealt.enumerated() where mask != 0 && context.keys[t] != "" && context.keys[t] != "name:" {
            out[context.keys[t]] = context.groups.indices.filter { $0 < 64 && mask & (1 << UInt64($0)) != 0 }.map { context.groups[$0] }.sorted()
        }
        groups = out
    }

    /// Per trader number of `context` (`Rows.trader`): the groups it deals in
    /// as bits of `context.groups` (bit g for group g; groups past the 64th are
    /// not marked). Traders the dealers do not list have none.
    func masks(_ context: Rows) -> [UInt64] {
        let index = Dictionary(uniqueKeysWithValues: context.groups.enumerated().map { ($1, $0) })
        return context.keys.map { key in
            var mask: UInt64 = 0
            for g in groups[key] ?? [] { if let i = index[g], i < 64 { mask |= 1 << UInt64(i) } }
            return mask
        }
    }
}
