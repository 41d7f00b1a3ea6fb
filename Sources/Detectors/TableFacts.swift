import Declarations
import Synchronization

/// Facts about one table that several detectors read, worked out at most once:
/// the trade context (each row's controlled item group, destination, consignee
/// and trader numbers) that routing, diversion, new_party and split_shipments
/// all start from. On 10M rows each of them rebuilt it in every fit and score.
///
/// Made for one table: pass it only with the table it was made from.
public final class TableFacts: Sendable {
    private let table: DeclarationTable
    private let contexts = Mutex<[(rules: [ControlsTable.Rule], context: TradeContext)]>([])
    private let memos = Mutex<[String: MemoSlot]>([:])

    public init(_ table: DeclarationTable) { self.table = table }

    /// The table's trade context under `controls` (built on first use).
    func context(_ controls: ControlsTable) -> TradeContext {
        contexts.withLock { list in
            if let hit = list.first(where: { $0.rules == controls.rules }) { return hit.context }
            let context = TradeContext(table, controls: controls, consigneeParties: counterpartyParties())
            list.append((controls.rules, context))
            return context
        }
    }

    /// Every row's `DeclaredSample` flag (unit_value's fit and score and
    /// goods_code's each read them; built on first use, 1 byte a row).
    func declaredSamples() -> [Bool] { memo("declared-samples") { DeclaredSample.rows(table) } }

    /// Each distinct consignee name's tokens (`NameMatching.tokens`), by
    /// dictionary code, worked out on every core at first use: party screening's
    /// fit (in restricted_party and in routing) and its matches all read them.
    /// Empty without consignee names.
    func counterpartyNameTokens() -> [[String]] {
        memo("counterparty-name-tokens") {
            guard let values = table.text(.counterpartyName)?.values else { return [] }
            let distinct = values.count, batch = 1024
            return Parallel.map(0..<((distinct + batch - 1) / batch), threads: System.cores) { b in
                values.withValueBytes { v in (b * batch..<min(distinct, (b + 1) * batch)).map { NameMatching.tokens(utf8: v[$0]) } }
            }.flatMap { $0 }
        }
    }

    /// The consignee names' parties (`PartyResolution`), keyed once for the
    /// trade context and for party screening's readings; nil without names.
    func counterpartyParties() -> PartyResolution? {
        memo("counterparty-parties") { table.text(.counterpartyName).map { PartyResolution($0.values) } }
    }

    /// The consignee names' parties if a detector already asked for them
    /// (`counterpartyParties()`), without working them out: parties.csv keys
    /// its consignees the same way and takes them from here when it can.
    public func knownCounterpartyParties() -> PartyResolution? { known("counterparty-parties", as: PartyResolution?.self) ?? nil }

    /// Each distinct consignee name's other readings for party screening, by
    /// dictionary code (`NameParts`), worked out on every core at first use.
    func counterpartyNameParts() -> [NameParts] {
        memo("counterparty-name-parts") {
            guard let values = table.text(.counterpartyName)?.values, let parties = counterpartyParties() else { return [] }
            let whole = counterpartyNameTokens()
            let distinct = values.count, batch = 1024
            return Parallel.map(0..<((distinct + batch - 1) / batch), threads: System.cores) { b in
                values.withValueBytes { v in
                    (b * batch..<min(distinct, (b + 1) * batch)).map { c in
                        NameParts(v[c], key: parties.keys[Int(parties.party[c])], whole: whole[c])
                    }
                }
            }.flatMap { $0 }
        }
    }

    /// Hands `value` to the next `take(key)`: for a value one detector's fit
    /// builds and its scoring of the same table reads, kept no longer than that.
    func stash<T: Sendable>(_ key: String, _ value: T) {
        stashed.withLock { $0[key] = value }
    }

    /// The value stashed under `key`, removed (nil when there is none).
    func take<T: Sendable>(_ key: String, as type: T.Type = T.self) -> T? {
        stashed.withLock { $0.removeValue(forKey: key) as? T }
    }

    private let stashed = Mutex<[String: any Sendable]>([:])

    /// The value memoised under `key`, if one was made (nothing is made here).
    func known<T: Sendable>(_ key: String, as type: T.Type) -> T? {
        guard let slot = memos.withLock({ $0[key] }) else { return nil }
        return slot.value.withLock { value in
            guard let stored = value else { return nil }
            return stored as? T
        }
    }

    /// A value worked out from the table once per `key`: the key must name everything
    /// besides the table the value depends on (a model's fingerprint, the controls).
    ///
    /// Each key has a lock of its own, held while its value is made: a caller
    /// asking for a value being made waits for it, and callers of other keys do
    /// not (one lock for every key held split_shipments' fit for seconds behind
    /// the consignee names' matches, on side-by-side detectors). `make` must
    /// not ask for its own key.
    func memo<T: Sendable>(_ key: String, _ make: () -> T) -> T {
        let slot = memos.withLock { memos in
            if let s = memos[key] { return s }
            let s = MemoSlot()
            memos[key] = s
            return s
        }
        return slot.value.withLock { value in
            // Unwrapped first: `nil as? T` succeeds when T is itself an Optional, and
            // would hand back nil for a value never made.
            if let stored = value, let hit = stored as? T { return hit }
            let made = make()
            value = made
            return made
        }
    }
}

/// One memo's value, behind a lock of its own (`TableFacts.memo`).
private final class MemoSlot: Sendable {
    let value = Mutex<(any Sendable)?>(nil)
}
