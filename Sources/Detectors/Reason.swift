/// Why a row was flagged, in words, with the evidence behind the words.
public struct Reason: Sendable, Codable, Equatable {
    /// The detector that gave it.
    public var detector: String
    /// One sentence a customs officer can act on.
    public var text: String
    /// How strongly this reason pushes the row up (same scale as the detector's score).
    public var strength: Double
    /// Named facts behind the sentence (values, medians, groups).
    public var evidence: Evidence

    public init(detector: String, text: String, strength: Double, evidence: Evidence) {
        self.detector = detector
        self.text = text
        self.strength = strength
        self.evidence = evidence
    }

    /// A reason's named facts: a handful of (name, value) pairs, kept sorted by
    /// name, written like a dictionary (`["group": g, "z": z]`, `e["z"] = z`).
    ///
    /// Half a million rows are explained at 10M rows, each with a few reasons of
    /// about five facts: as a `Dictionary` every fact was hashed on the way in,
    /// and every reason sorted on the way out (ranked.jsonl lists facts by name).
    /// Here a fact is placed by comparing names, and the facts read back in order.
    public struct Evidence: Sendable, Equatable, Codable, ExpressibleByDictionaryLiteral, Sequence {
        /// The facts, by name ascending (`String` order), names distinct.
        public private(set) var pairs: [(key: String, value: String)] = []

        public init() {}

        /// The facts of a literal; a name given twice keeps its last value.
        public init(dictionaryLiteral elements: (String, String)...) {
            pairs.reserveCapacity(elements.count)
            for (k, v) in elements { self[k] = v }
        }

        public var count: Int { pairs.count }
        public var isEmpty: Bool { pairs.isEmpty }

        /// The value of fact `key`; setting nil removes it.
        public subscript(key: String) -> String? {
            get {
                for p in pairs where p.key == key { return p.value }
                return nil
            }
            set {
                var i = 0
                while i < pairs.count && pairs[i].key < key { i += 1 }
                let found = i < pairs.count && pairs[i].key == key
                switch (found, newValue) {
                case (true, let v?): pairs[i].value = v
                case (true, nil): pairs.remove(at: i)
                case (false, let v?): pairs.insert((key, v), at: i)
                case (false, nil): break
                }
            }
        }

        public func makeIterator() -> IndexingIterator<[(key: String, value: String)]> { pairs.makeIterator() }

        /// The facts as a dictionary.
        public var dictionary: [String: String] { Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, $0.value) }) }

        public static func == (a: Evidence, b: Evidence) -> Bool {
            a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        }

        /// Encoded as a JSON object, as the dictionary it replaces was.
        public init(from decoder: any Decoder) throws {
            for (k, v) in try [String: String](from: decoder) { self[k] = v }
        }

        public func encode(to encoder: any Encoder) throws { try dictionary.encode(to: encoder) }
    }
}
