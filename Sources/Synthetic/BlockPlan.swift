import Declarations

/// Where planted rows go in one block of consecutive rows, and which pattern
/// each gets. Blocks are planned independently from (seed, block index), so
/// any row's role is known without generating the rows before it.
struct BlockPlan: Sendable {
    static let size = 4096
    /// Share of rows planted (about 1%).
    static let plantedRate = 0.01

    struct Slot: Sendable {
        var pattern: Pattern
        /// For split shipments: the burst's index in the block, the member's
        /// index, the burst's size, and the member's day offset from the burst start.
        var burst: Int = 0
        var member: Int = 0
        var burstSize: Int = 0
        var dayOffset: Int = 0
    }

    let block: Int
    let start: Int
    let count: Int
    /// The date the plan was made for (the block's middle row); patterns that
    /// need a control in force are dated no earlier than this.
    let date: CivilDate
    /// Planted slots by offset within the block.
    let slots: [Int: Slot]

    init(block: Int, world: World) {
        self.block = block
        start = block * BlockPlan.size
        count = max(0, min(BlockPlan.size, world.rows - start))
        var rng = RowRandom(seed: world.seed, stream: .blockPlan, index: UInt64(block))
        let date = world.date(ofRow: start + max(0, count - 1) / 2)
        self.date = date
        let available = BlockPlan.available(on: date, world: world)
        var slots: [Int: Slot] = [:]
        guard count > 0, !available.isEmpty else { self.slots = slots; return }
        let planted = Int(BlockPlan.plantedRate * Double(count) + rng.unit())
        var patterns: [Slot] = []
        var burstIndex = 0
        // A burst plants ~4.5 rows at once, so bursts are drawn less often to give
        // every pattern a similar share of rows.
        let choice = WeightedChoice(available.map { $0 == .splitShipments ? 1 / 4.5 : 1 })
        while patterns.count < planted {
            let p = available[choice.draw(&rng)]
            if p == .splitShipments {
                let size = 3 + rng.below(4)
                guard planted - patterns.count >= 3 else { continue }
                let members = min(size, planted - patterns.count)
                let window = 1 + rng.below(10)
                let offsets = (0..<members).map { _ in rng.below(window + 1) }.sorted()
                for (m, d) in offsets.enumerated() {
                    patterns.append(Slot(pattern: .splitShipments, burst: burstIndex, member: m, burstSize: members, dayOffset: d))
                }
                burstIndex += 1
            } else {
                patterns.append(Slot(pattern: p))
            }
        }
        // Distinct offsets; a burst's members keep their order within the block.
        var used: Set<Int> = []
        var offsets: [Int] = []
        while offsets.count < patterns.count && used.count < count {
            let o = rng.below(count)
            if used.insert(o).inserted { offsets.append(o) }
        }
        // Give each burst increasing offsets so its dates read forwards.
        var order = Array(patterns.indices)
        order.sort { (patterns[$0].burst, patterns[$0].member) < (patterns[$1].burst, patterns[$1].member) }
        let sortedOffsets = offsets.sorted()
        var byBurst: [Int: [Int]] = [:]
        var k = 0
        for idx in order where patterns[idx].pattern == .splitShipments {
            byBurst[patterns[idx].burst, default: []].append(idx)
        }
        var remaining = sortedOffsets
        // Bursts take runs of consecutive sorted offsets; singles take what is left in draw order.
        for (_, members) in byBurst.sorted(by: { $0.key < $1.key }) {
            guard remaining.count >= members.count else { break }
            let startAt = rng.below(remaining.count - members.count + 1)
            for (j, idx) in members.enumerated() { slots[remaining[startAt + j]] = patterns[idx] }
            remaining.removeSubrange(startAt..<(startAt + members.count))
        }
        remaining.shuffle(using: &rng)
        for idx in patterns.indices where patterns[idx].pattern != .splitShipments {
            guard k < remaining.count else { break }
            slots[remaining[k]] = patterns[idx]
            k += 1
        }
        self.slots = slots
    }

    /// Patterns that can occur on `date`: route and surge need the US ban in
    /// force, misdeclaration and splitting need some control in force.
    static func available(on date: CivilDate, world: World) -> [Pattern] {
        var out: [Pattern] = [.undervaluation, .weightQuantity, .restrictedParty]
        let groups = ControlledGroup.all
        if groups.indices.contains(where: { groups[$0].controlled(on: date) && !world.dealers[$0].isEmpty }) {
            out.append(.misdeclaredHS)
            out.append(.splitShipments)
        }
        if groups.indices.contains(where: { groups[$0].bansUS(on: date) && !world.dealers[$0].isEmpty }) {
            out.append(.transshipmentRoute)
            out.append(.transshipmentSurge)
        }
        return out
    }

    func slot(atRow i: Int) -> Slot? { slots[i - start] }
}
