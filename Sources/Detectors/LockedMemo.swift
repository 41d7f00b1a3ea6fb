import Synchronization

/// Values worked out on first use and kept, shared by the threads of one
/// explainer: each key's value is made by whichever thread asks first (two
/// threads asking at once may both make it; they make the same value).
final class LockedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let values = Mutex<[Key: Value]>([:])

    /// The value kept for `key`, made by `make` when there is none yet.
    func value(_ key: Key, _ make: () -> Value) -> Value {
        if let hit = values.withLock({ $0[key] }) { return hit }
        let made = make()
        values.withLock { $0[key] = made }
        return made
    }
}
