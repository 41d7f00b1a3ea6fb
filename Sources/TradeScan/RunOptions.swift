import Declarations
import Learning
import Report
import Scoring

/// Options shared by scan, fit and score.
public struct RunOptions: Sendable {
    public var ingest: IngestOptions
    public var maxRejectRate: Double
    public var controls: ControlsTable
    public var parties: PartyList?
    public var lanes: LanePolicy
    /// Detector weight overrides (`--weight NAME=W`).
    public var weights: [String: Double]
    /// An earlier report folder to mark flags new or repeated against.
    public var previous: String?
    /// Where stage and progress lines go (nil: nowhere).
    public var log: ProgressLog?
    /// Inspection outcomes to learn from, beside the feed's own outcome column (`--labels`).
    public var labels: String?
    /// How fit learns from outcomes (nil: it does not).
    public var learning: OutcomeModel.Options?
    /// Which rows the report explains (`--explain`).
    public var explain: ExplainScope
    /// ranked.csv and ranked.jsonl written around the page cache where the file system allows it (`--direct-io`).
    public var directIO: Bool

    public init(ingest: IngestOptions = IngestOptions(), maxRejectRate: Double = 0.01, controls: ControlsTable = .standard,
                parties: PartyList? = nil, lanes: LanePolicy = LanePolicy(), weights: [String: Double] = [:],
                previous: String? = nil, log: ProgressLog? = nil, labels: String? = nil,
                learning: OutcomeModel.Options? = OutcomeModel.Options(), explain: ExplainScope = .flagged, directIO: Bool = true) {
        self.ingest = ingest
        self.maxRejectRate = maxRejectRate
        self.controls = controls
        self.parties = parties
        self.lanes = lanes
        self.weights = weights
        self.previous = previous
        self.log = log
        self.labels = labels
        self.learning = learning
        self.explain = explain
        self.directIO = directIO
    }
}

/// Stage timings of a run.
struct StageClock {
    let clock = ContinuousClock()
    var t0: ContinuousClock.Instant
    var stages: [(String, Double)] = []
    /// Per stage: resident memory at its end and the high-water mark so far (nil without /proc).
    var memory: [(now: Int, peak: Int)?] = []
    let log: ProgressLog?

    init(log: ProgressLog?) {
        self.log = log
        t0 = clock.now
    }

    mutating func lap(_ name: String) {
        System.releaseFreeMemory()   // the stage's freed pages; its cost counts in the stage
        let e = t0.duration(to: clock.now)
        let s = Double(e.components.seconds) + Double(e.components.attoseconds) * 1e-18
        stages.append((name, s))
        memory.append(System.residentMemory())
        log?.stageDone(name, seconds: s)
        t0 = clock.now
    }

    /// A part of the stage just lapped that ran beside others, with its own
    /// seconds (which overlap the others'): listed under the stage, marked "↳",
    /// without memory figures.
    mutating func part(_ name: String, seconds: Double) {
        stages.append(("↳ " + name, seconds))
        memory.append(nil)
    }
}
