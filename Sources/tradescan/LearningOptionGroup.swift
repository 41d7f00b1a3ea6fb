import ArgumentParser
import Learning
import TradeScan

/// Options of the commands that fit (scan, fit): learning from inspection outcomes.
struct LearningOptionGroup: ParsableArguments {
    @Option(help: ArgumentHelp("Inspection outcomes to learn from: a list of positives (declaration_id[,item_no],pattern) or an outcome file (declaration_id[,item_no],outcome with 1/0). Otherwise the feed's own outcome column is used when the mapping names one.", valueName: "file"))
    var labels: String?

    @Flag(name: .customLong("no-outcome-model"), help: "Do not learn from outcomes even when they exist (detectors only).")
    var noOutcomeModel = false

    @Flag(name: .customLong("no-network"), help: "Learn with logistic regression only (no embedding network candidate).")
    var noNetwork = false

    /// The learning options, with `seed` for folds, samples and the network.
    func options(seed: UInt64) -> OutcomeModel.Options? {
        guard !noOutcomeModel else { return nil }
        var o = OutcomeModel.Options()
        o.seed = seed
        o.network = !noNetwork
        return o
    }

    func apply(to options: RunOptions, seed: UInt64) -> RunOptions {
        var o = options
        o.labels = labels
        o.learning = self.options(seed: seed)
        return o
    }
}
