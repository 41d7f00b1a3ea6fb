import Declarations
import Evaluation
import Foundation

/// `--labels FILE`: inspection outcomes joined onto the feed by declaration_id
/// (and item_no when the file has it).
///
/// FILE is either a list of positives (declaration_id[,item_no],pattern: listed
/// rows are positive, every other row negative) or an outcome file
/// (declaration_id[,item_no],outcome: 1 or 0 per inspected row; rows not listed
/// are unknown and not learned from).
enum Labels {
    struct Applied {
        var matched: Int
        var unmatched: Int
        var positives: Int
    }

    static func apply(_ path: String, to table: inout DeclarationTable) throws -> Applied {
        let data = try InputFile.read(path)
        let (truth, matchedOn) = try data.withUnsafeBytes { try EvaluationInputs.truth(bytes: $0, source: path, useItems: true) }
        let isList = truth.values.allSatisfy { $0.positive && $0.pattern != "outcome" }
        let withItems = matchedOn.hasSuffix("item_no")
        var outcome = [Int8](repeating: isList ? 0 : -1, count: table.count)
        var seen = Set<String>()
        var positives = 0
        for r in 0..<table.count {
            let id = table.declarationID.string(r)
            let key = withItems ? id + "\u{1F}" + String(table.itemNo[r]) : id
            guard let t = truth[key] else { continue }
            seen.insert(key)
            outcome[r] = t.positive ? 1 : 0
            if t.positive { positives += 1 }
        }
        table.setOutcome(outcome)
        return Applied(matched: seen.count, unmatched: truth.count - seen.count, positives: positives)
    }
}
