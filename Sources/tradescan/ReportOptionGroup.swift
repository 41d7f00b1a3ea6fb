import ArgumentParser
import Report
import Scoring
import TradeScan

/// Options of the commands that write a report (scan, score).
struct ReportOptionGroup: ParsableArguments {
    @Option(name: .customLong("inspect-rate"), help: "Share of rows in the red lane (the inspection budget).")
    var inspectRate: Double = 0.01

    @Option(name: .customLong("amber-rate"), help: "Share of rows in the amber lane, after the red one (default 0.04, or what the red lane leaves of it).")
    var amberRateOption: Double?

    /// The amber share: as given, or 0.04 within what the red lane leaves (so --inspect-rate 1 alone is fine).
    var amberRate: Double { amberRateOption ?? min(0.04, max(0, 1 - inspectRate)) }

    @Option(help: "Share of the red lane filled with seeded random picks from the rest of the list, marked as exploration.")
    var explore: Double = 0

    @Option(help: "Seed of the exploration picks (same seed, same picks).")
    var seed: UInt64 = 1

    @Option(help: "An earlier report folder: each red or amber flag is marked new or repeated against it.")
    var previous: String?

    @Option(help: ArgumentHelp("Rows explained (reasons in ranked.csv, full records in ranked.jsonl): flagged (the red and amber lanes), all, or N (the top N rows and the flagged ones). ranked.csv lists every row either way.", valueName: "flagged|all|N"))
    var explain: String = "flagged"

    @Flag(inversion: .prefixedNo, help: "Write ranked.csv and ranked.jsonl around the page cache (O_DIRECT) where the file system allows it, else through it: the same bytes either way. Direct, 2 GB of report is not copied into cache pages and does not push the input out of the cache; the scan waits for the disk instead. --no-direct-io writes through the cache (better on a slow disk with memory to spare).")
    var directIO = true

    func validate() throws {
        guard ExplainScope(argument: explain) != nil else { throw ValidationError("--explain takes flagged, all or a row count, got '\(explain)'") }
        guard inspectRate >= 0 && inspectRate <= 1 else { throw ValidationError("--inspect-rate must lie between 0 and 1, got \(inspectRate)") }
        guard amberRate >= 0 && amberRate <= 1 else { throw ValidationError("--amber-rate must lie between 0 and 1, got \(amberRate)") }
        // Only when both are given: the default amber share shrinks to what the red lane leaves.
        guard amberRateOption == nil || inspectRate + amberRate <= 1 + 1e-9 else {
            throw ValidationError("--inspect-rate \(inspectRate) and --amber-rate \(amberRate) add up to more than 1 (every row would be flagged); "
                                  + "the amber lane takes its share after the red one")
        }
        guard explore >= 0 && explore <= 1 else { throw ValidationError("--explore must lie between 0 and 1, got \(explore)") }
    }

    var explainScope: ExplainScope { ExplainScope(argument: explain) ?? .flagged }

    var policy: LanePolicy { LanePolicy(inspectRate: inspectRate, amberRate: amberRate, explore: explore, seed: seed) }
}

/// `--weight NAME=W`, shared by scan, fit and score.
struct WeightOptionGroup: ParsableArguments {
    @Option(name: .customLong("weight"), help: ArgumentHelp("Override a detector's weight in the risk score (repeatable), e.g. --weight diversion=1; 0 turns it off. Defaults: \(WeightOptionGroup.defaults) (summary.md lists the weights used).", valueName: "NAME=W"))
    var weights: [String] = []

    func validate() throws {
        do {
            _ = try RiskModel.parseWeights(weights)
        } catch {
            // The parser prints "Error: " itself; the description (printed alone elsewhere) starts with "error: ".
            let d = error.description
            throw ValidationError(d.hasPrefix("error: ") ? String(d.dropFirst(7)) : d)
        }
    }

    var parsed: [String: Double] { (try? RiskModel.parseWeights(weights)) ?? [:] }

    /// "unit_value 1.308, goods_code 0.547, …" in the detectors' order, from `RiskModel.defaultWeights`.
    static var defaults: String {
        let order = ["unit_value", "goods_code", "licence", "routing", "diversion", "new_party", "split_shipments", "restricted_party"]
        let known = order.filter { RiskModel.defaultWeights[$0] != nil }
        let rest = RiskModel.defaultWeights.keys.filter { !order.contains($0) }.sorted()
        return (known + rest).map { "\($0) \(RiskModel.defaultWeights[$0]!)" }.joined(separator: ", ")
    }
}

