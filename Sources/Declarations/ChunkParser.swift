import CSVCore

/// What one chunk of one file became: rows (with chunk-local dictionaries),
/// rejects, and counts.
struct ChunkResult: Sendable {
    var table = DeclarationTable()
    var rejects: [Reject] = []
    /// Rejects by reason (also for `--on-error skip`, which keeps no rows).
    var rejectCounts: [RejectReason: Int] = [:]
    var recordsRead = 0
    var blankLines = 0
    var headerLines = 0
    /// Byte offsets of the accepted rows' records.
    var offsets: [Int] = []
    /// The worker whose dictionaries the text codes index (nil: the chunk's own).
    var worker: Int? = nil
    /// One past the last record visited, its LF included (0: none; `ChunkBuilder.lastEnd`).
    var end = 0
    /// The data record (0-based in the chunk, header excluded) of each accepted row, for a
    /// repeated row's reject.
    var records: [Int32] = []
    /// Records with irregular quoting the SIMD path had the scalar state machine read (`VisitSummary.recovered`).
    var recovered = 0
    /// Per text field: the worker's dictionary was started afresh for this chunk
    /// (`ChunkColumns.restartValues`): its codes begin again at 0.
    var restarted: [Bool] = []
    /// Text fields whose values the chunk listed instead of interning them (`ByteInterner.list`).
    var listedFields = 0
}

/// Turns tokenized records into typed rows by a resolved mapping; rows that do
/// not parse become `Reject`s with their position and reason.
struct ChunkParser: @unchecked Sendable {
    // safe to share: every field is immutable and `buffer` is only read.
    let buffer: UnsafeRawBufferPointer
    let mapping: Mapping
    let fx: FXTable
    let fileIndex: Int
    let keepRejects: Bool
    let quote: UInt8

    static let minDate = CivilDate(year: 1990, month: 1, day: 1)!
    static let maxDate = CivilDate(year: 2035, month: 12, day: 31)!
    static let maxRecordBytes = 1 << 20
    /// Numbers are refused from here on (and infinities): no declaration line holds 10^15 USD,
    /// kg or pieces (the world's yearly output is about 10^14 USD), and sums of such
    /// values over millions of rows would overflow the detectors' aggregates.
    static let largestNumber = 1e15

    // Resolved once per chunk.
    let idColumn: Int
    let dateColumn: Int
    let itemColumn: Int?
    let flowColumn: Int?
    let valueColumn: Int
    let currencyColumn: Int?
    let currencyConstant: [UInt8]?
    let outcomeColumn: Int?
    let hsColumn: Int
    let textPlan: [(field: TextField, column: Int?, constant: String?)]
    /// Per country field: its slot in a row (its raw value, worked out once: the
    /// enum's raw value was a call per row and field), its column or constant.
    let countryPlan: [(field: CountryField, slot: Int, column: Int?, constant: UInt16?)]
    /// Per number field: its slot in a row (its raw value, worked out once, as for countries),
    /// its column, the factor its values are scaled by (the weight unit's for weights, else 1:
    /// exact) and whether it may be negative (revenue).
    let numberPlan: [(field: NumberField, slot: Int, column: Int, factor: Double, signed: Bool)]
    let defaultFlow: UInt8
    let isoDates: Bool
    let headers: [String]
    let countryCodes = CountryCodes.Lookup()

    init(buffer: UnsafeRawBufferPointer, mapping: Mapping, header: [String], fx: FXTable, fileIndex: Int, keepRejects: Bool, dialect: Dialect) {
        self.buffer = buffer
        self.mapping = mapping
        self.fx = fx
        self.fileIndex = fileIndex
        self.keepRejects = keepRejects
        self.quote = dialect.quote
        self.headers = header
        idColumn = mapping.column(.declarationID)!
        dateColumn = mapping.column(.declarationDate) ?? -1
        itemColumn = mapping.column(.itemNo)
        flowColumn = mapping.column(.flow)
        valueColumn = mapping.column(.value)!
        hsColumn = mapping.column(.hsCode) ?? -1
        currencyColumn = mapping.column(.currency)
        currencyConstant = mapping.constant(.currency).map { Array($0.uppercased().utf8) }
        outcomeColumn = mapping.column(.outcome)
        textPlan = TextField.allCases.compactMap { f in
            guard f != .hsCode && f != .currency else { return nil }
            let c = mapping.column(f.canonical), k = mapping.constant(f.canonical)
            return c == nil && k == nil ? nil : (f, c, k)
        }
        deferredFields = textPlan.reduce(0) { $0 + ($1.column == nil ? 0 : 1) }
        countryPlan = CountryField.allCases.compactMap { f in
            let c = mapping.column(f.canonical), k = mapping.constant(f.canonical).flatMap { CountryCodes.code($0) }
            return c == nil && k == nil ? nil : (f, f.rawValue, c, k)
        }
        numberPlan = NumberField.allCases.compactMap { f in
            mapping.column(f.canonical).map {
                (f, f.rawValue, $0, f == .netWeightKg || f == .grossWeightKg ? mapping.weightFactor : 1, f == .revenue)
            }
        }
        defaultFlow = mapping.flow == "import" ? 1 : 0
        isoDates = mapping.dates.formats == [Array("%Y-%m-%d".utf8)]
    }

    /// A row-level failure: the reason, the message, and the offending column (nil: whole record).
    struct Failure: Error {
        var reason: RejectReason
        var message: String
        var column: Int?
    }

    private func reject(_ f: Failure, _ r: RecordView, index: Int, into out: inout ChunkResult) {
        out.rejectCounts[f.reason, default: 0] += 1
        guard keepRejects else { return }
        let fieldName = f.column.map { $0 < headers.count ? headers[$0] : "field \($0 + 1)" } ?? ""
        var column = 1
        if let c = f.column, c < r.count { column = self.column(of: r.starts[c], line: 0, recordStart: r.offset) }
        var end = min(r.end, r.offset + 1024, buffer.count)
        if end == r.end && end > r.offset && buffer[end - 1] == 0x0A { end -= 1 }   // without the record's LF
        out.rejects.append(Reject(
            fileIndex: fileIndex, line: r.line, byteOffset: r.offset, column: column,
            record: index, field: fieldName, reason: f.reason, message: f.message,
            raw: Array(buffer[r.offset..<end])))
    }

    /// Field `column` of record `r`: a view of the buffer, trimmed of spaces, or
    /// an unescaped copy kept in `keep`.
    @inline(__always)
    func value(_ r: RecordView, _ column: Int, keep: inout [[UInt8]]) -> UnsafeRawBufferPointer {
        if r.fieldFlags[column].contains(.escapedQuote) {
            let s = r.starts[column], e = r.ends[column]
            keep.append(FieldValue.bytes(buffer, start: s, end: e, flags: r.fieldFlags[column], quote: quote))
            return keep[keep.count - 1].withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) }
        }
        let (start, end) = span(r, column)
        return UnsafeRawBufferPointer(start: buffer.baseAddress! + start, count: end &- start)
    }

    /// Field `column` of record `r` (not holding an escaped quote) as buffer
    /// offsets, trimmed of spaces.
    @inline(__always)
    func span(_ r: RecordView, _ column: Int) -> (start: Int, end: Int) {
        var s = r.starts[column], e = r.ends[column]
        // Plain index arithmetic and no slice: the field bounds come from the tokenizer and lie in
        // the buffer (about twenty fields a row; the checked forms were 5% of ingest's instructions).
        let base = buffer.baseAddress!
        // Fields rarely start or end with a space: one test of both ends, the loops only then.
        if s < e && (base.load(fromByteOffset: s, as: UInt8.self) == 0x20 || base.load(fromByteOffset: e &- 1, as: UInt8.self) == 0x20) {
            while s < e && base.load(fromByteOffset: s, as: UInt8.self) == 0x20 { s &+= 1 }
            while e > s && base.load(fromByteOffset: e &- 1, as: UInt8.self) == 0x20 { e &-= 1 }
        }
        return (s, e)
    }

    func text(_ v: UnsafeRawBufferPointer) -> String { String(decoding: v, as: UTF8.self) }

    enum NumberProblem { case notANumber, outOfRange, negative }

    /// Why number field `f` (nil: the value) with text `v` in `column` is rejected.
    @inline(never)
    func numberFailure(_ f: NumberField?, _ v: UnsafeRawBufferPointer, _ column: Int, _ problem: NumberProblem) -> Failure {
        let name = f?.canonical.rawValue ?? "value"
        switch problem {
        case .notANumber: return Failure(reason: .unparsableNumber, message: "\(name) '\(text(v))' is not a number", column: column)
        case .outOfRange:
            return Failure(reason: .unparsableNumber, message: "\(name) '\(text(v))' is out of range (10^15 or more\(f == nil ? " in USD" : ""))", column: column)
        case .negative: return Failure(reason: .negativeValue, message: "\(name) \(text(v)) is negative", column: column)
        }
    }

    /// A builder that parses the records it visits into chunk-local columns.
    func builder(skipHeader: Bool, expectedRows: Int, dictionaries: InternerSet? = nil) -> ChunkBuilder {
        ChunkBuilder(parser: self, skipHeader: skipHeader, expectedRows: expectedRows, dictionaries: dictionaries)
    }

    /// Parses one record into the builder's columns, or returns why it is rejected.
    @inline(__always)
    func parseRecord(_ r: RecordView, into c: inout ChunkColumns, keep: inout [[UInt8]]) -> Failure? {
        if r.flags.contains(.unterminatedQuote) {
            return Failure(reason: .unterminatedQuote, message: "a quoted field is never closed; the rest of the file was read into it")
        }
        if r.end - r.offset > ChunkParser.maxRecordBytes {
            return Failure(reason: .recordTooLong, message: "record of \(r.end - r.offset) bytes is over 1 MiB")
        }
        if r.count != mapping.headerCount {
            return Failure(reason: .wrongFieldCount, message: "\(r.count) fields, the header has \(mapping.headerCount)")
        }
        let contentEnd = r.count > 0 ? r.ends[r.count - 1] : r.offset
        if let bad = UTF8Validation.firstInvalid(UnsafeRawBufferPointer(rebasing: buffer[r.offset..<max(r.offset, contentEnd)])) {
            var col = 0
            while col < r.count - 1 && r.ends[col] <= r.offset + bad { col += 1 }
            return Failure(reason: .invalidUTF8, message: "invalid UTF-8 byte 0x\(String(buffer[r.offset + bad], radix: 16, uppercase: true))", column: col)
        }
        // Key.
        let id = value(r, idColumn, keep: &keep)
        if id.isEmpty { return Failure(reason: .emptyRequiredField, message: "declaration_id is empty", column: idColumn) }
        var item: Int32 = 1
        if let col = itemColumn {
            let v = value(r, col, keep: &keep)
            if !v.isEmpty {
                guard let n = ChunkParser.integer(v) else { return Failure(reason: .unparsableNumber, message: "item_no '\(text(v))' is not a whole number", column: col) }
                item = n
            }
        }
        // Date.
        let dv = value(r, dateColumn, keep: &keep)
        if dv.isEmpty { return Failure(reason: .emptyRequiredField, message: "declaration_date is empty", column: dateColumn) }
        // Rows of a feed come in runs of one date: the last ten-byte date text, its date and month, are kept.
        let date: CivilDate, month: Int
        let memoKey: (UInt64, UInt16)? = dv.count == 10
            ? (dv.loadUnaligned(fromByteOffset: 0, as: UInt64.self), dv.loadUnaligned(fromByteOffset: 8, as: UInt16.self)) : nil
        if let memoKey, let last = c.lastDateText, last.0 == memoKey.0 && last.1 == memoKey.1 {
            date = c.lastDate
            month = c.lastMonth
        } else {
            guard let parsed = isoDates ? ChunkParser.isoDate(dv) ?? mapping.dates.parse(dv) : mapping.dates.parse(dv) else {
                // A feed read with the wrong date format rejects every row, in runs of one date: the last message is kept.
                if c.lastBadDate?.text.elementsEqual(dv) != true {
                    c.lastBadDate = (Array(dv), ChunkParser.badDateMessage(dv, mapping.dates))
                }
                return Failure(reason: .badDate, message: c.lastBadDate!.message, column: dateColumn)
            }
            date = parsed
            month = parsed.monthIndex
            if let memoKey {
                c.lastDateText = memoKey
                c.lastDate = parsed
                c.lastMonth = month
            }
        }
        guard date >= ChunkParser.minDate && date <= ChunkParser.maxDate else {
            return Failure(reason: .dateOutOfRange, message: "date \(date) is outside 1990-01-01…2035-12-31", column: dateColumn)
        }
        // Tariff code: digits only is the common case and needs no copy.
        let hsRaw = value(r, hsColumn, keep: &keep)
        if hsRaw.isEmpty { return Failure(reason: .emptyRequiredField, message: "hs_code is empty", column: hsColumn) }
        var hsDigits: UnsafeRawBufferPointer = hsRaw
        if !(hsRaw.count >= 6 && hsRaw.count <= 10 && hsRaw.allSatisfy({ $0 >= 48 && $0 <= 57 })) {
            guard let d = ChunkParser.tariffDigits(hsRaw) else {
                return Failure(reason: .badTariffCode, message: "hs_code '\(text(hsRaw))' is not a tariff code of 6 to 10 digits", column: hsColumn)
            }
            keep.append(d)
            hsDigits = keep[keep.count - 1].withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) }
        }
        // Value and currency.
        let vv = value(r, valueColumn, keep: &keep)
        if vv.isEmpty { return Failure(reason: .emptyRequiredField, message: "value is empty", column: valueColumn) }
        guard let declared = mapping.decimals.parse(vv) else { return numberFailure(nil, vv, valueColumn, .notANumber) }
        guard declared >= 0 else { return numberFailure(nil, vv, valueColumn, .negative) }
        var currency: UnsafeRawBufferPointer
        if let col = currencyColumn {
            currency = value(r, col, keep: &keep)
            if currency.isEmpty, let k = currencyConstant { currency = k.withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) } }
        } else {
            currency = (currencyConstant ?? ChunkParser.usd).withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) }
        }
        if currency.contains(where: { $0 >= 97 && $0 <= 122 }) {
            keep.append(currency.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 })
            currency = keep[keep.count - 1].withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) }
        }
        // The currency's first four bytes, its length and the month, as one key.
        let currencyCount = currency.count
        var key = UInt64(truncatingIfNeeded: month) << 40 | UInt64(truncatingIfNeeded: currencyCount) << 32
        for k in 0..<min(4, currencyCount) { key |= UInt64(currency[k]) << (8 * UInt64(k)) }
        var rate: Double
        if key == c.lastRateKey {
            rate = c.lastRate
        } else {
            if let cached = c.rates[key] {
                rate = cached
            } else {
                rate = (currency.count > 4 ? nil : fx.unitsPerUSD(text(currency), year: month / 12, month: month % 12 + 1)) ?? .nan
                if currency.count <= 4 { c.rates[key] = rate }
            }
            c.lastRateKey = key
            c.lastRate = rate
        }
        guard !rate.isNaN else {
            let code = text(currency)
            return Failure(reason: .unknownCurrency,
                           message: fx.currencies.contains(code) ? "no \(code) rate for \(month / 12)-\(month % 12 < 9 ? "0" : "")\(month % 12 + 1) in the FX table"
                                                                 : "currency '\(code)' is not in the FX table", column: currencyColumn)
        }
        // The bound holds for the converted value too (a rate file's tiny rate would make it infinite).
        let usd = declared / rate
        guard usd < ChunkParser.largestNumber else { return numberFailure(nil, vv, valueColumn, .outOfRange) }
        // Numbers and countries, written into this row's slots (kept only if the row is).
        let numbers = c.numbers.slots(ChunkColumns.numberWidth)
        for (f, slot, col, factor, signed) in numberPlan {
            let v = value(r, col, keep: &keep)
            if v.isEmpty { numbers[slot] = .nan; continue }
            // The messages are built out of line: the loop stays small (4 numbers a row).
            guard let x = mapping.decimals.parse(v) else { return numberFailure(f, v, col, .notANumber) }
            // The bound holds in the stored unit (9e14 tonnes is 9e17 kg).
            let stored = x * factor
            guard stored.magnitude < ChunkParser.largestNumber else { return numberFailure(f, v, col, .outOfRange) }
            if x < 0 && !signed { return numberFailure(f, v, col, .negative) }
            numbers[slot] = stored
        }
        let countries = c.countries.slots(ChunkColumns.countryWidth)
        for (f, slot, col, k) in countryPlan {
            guard let col else { countries[slot] = k ?? 0; continue }
            let v = value(r, col, keep: &keep)
            if v.isEmpty { countries[slot] = k ?? 0; continue }
            guard let code = countryCodes.code(v) else { return Failure(reason: .unknownCountry, message: "\(f.canonical.rawValue) '\(text(v))' is not a country", column: col) }
            countries[slot] = code
        }
        // Outcome.
        var outcome: Int8 = -1
        if let col = outcomeColumn {
            let v = value(r, col, keep: &keep)
            if !v.isEmpty {
                guard let o = ChunkParser.outcome(v) else { return Failure(reason: .badOutcome, message: "outcome '\(text(v))' is not 0 or 1", column: col) }
                outcome = o
            }
        }
        // The row is good: append.
        c.accepted += 1
        c.offsets.append(r.offset)
        c.lines.append(UInt32(truncatingIfNeeded: r.line))
        c.idBytes.append(contentsOf: id)
        c.idEnds.append(c.idBytes.count)
        c.keyHashes.append(DeclarationTable.keyHash(id: id, item: item))
        c.items.append(item)
        c.dates.append(Int32(truncatingIfNeeded: date.daysSinceEpoch))
        var flow = defaultFlow
        if let col = flowColumn, let b = value(r, col, keep: &keep).first {
            let l = b | 0x20
            flow = l == UInt8(ascii: "i") || l == UInt8(ascii: "m") ? 1 : l == UInt8(ascii: "e") || l == UInt8(ascii: "x") ? 0 : defaultFlow
        }
        c.flows.append(flow)
        c.usd.append(usd)
        let codes = c.textCodes.slots(ChunkColumns.textWidth)
        codes[TextField.hsCode.rawValue] = c.interner(TextField.hsCode.rawValue).pointee.intern(hsDigits)
        codes[TextField.currency.rawValue] = c.interner(TextField.currency.rawValue).pointee.intern(currency)
        // Text read from a column is interned later, one field at a time over
        // many rows (`internDeferred`); here only its place is kept.
        let deferred = c.deferred.slots(deferredFields)
        var d = 0
        for (f, col, k) in textPlan {
            let i = f.rawValue
            if let col {
                if r.fieldFlags[col].contains(.escapedQuote) {
                    // An unescaped copy lives only as long as the row: keep it in the chunk.
                    let v = value(r, col, keep: &keep)
                    deferred[d] = ChunkColumns.copiedBit | UInt64(c.copies.count) << 24 | UInt64(v.count)
                    c.copies.append(contentsOf: v)
                } else {
                    // The trimmed bounds as offsets (a view's `count` is a call into the runtime).
                    let (start, end) = span(r, col)
                    deferred[d] = UInt64(truncatingIfNeeded: start) << 24 | UInt64(truncatingIfNeeded: end &- start)
                }
                d &+= 1
                codes[i] = 0
            } else {
                codes[i] = c.interner(i).pointee.intern(k!)
            }
        }
        c.deferred.commit(deferredFields)
        c.textCodes.commit(ChunkColumns.textWidth)
        c.numbers.commit(ChunkColumns.numberWidth)
        c.countries.commit(ChunkColumns.countryWidth)
        if outcomeColumn != nil { c.outcomes.append(outcome) }
        for k in mapping.extras.indices {
            c.extras[k].codes.append(c.extras[k].values.intern(value(r, mapping.extras[k].index, keep: &keep)))
        }
        return nil
    }

    /// Text fields read from columns (the rest are constants or interned on the spot).
    let deferredFields: Int
    /// Those fields' indices (`TextField.rawValue`): the only ones a worker may list (`ChunkBuilder.chooseListing`).
    var deferredIndices: [Int] { textPlan.compactMap { $0.column == nil ? nil : $0.field.rawValue } }

    /// Interns the text kept by `parseRecord` for the rows not interned yet,
    /// field by field: a loop works on one dictionary at a time, which stays in
    /// cache, instead of probing every field's dictionary for every row. The
    /// builder calls it every `deferredRows` rows, while their bytes are still
    /// in cache, and when the chunk is done. Codes come out as row-by-row
    /// interning gives them (first appearance, row order).
    func internDeferred(_ c: inout ChunkColumns) {
        let width = deferredFields, all = c.internedRows..<c.accepted
        c.internedRows = c.accepted
        guard width > 0, !all.isEmpty else { return }
        let places = c.deferred.pointer, codes = c.textCodes.pointer
        let views = c.text.scratchViews, hashes = c.text.scratchHashes, block = c.text.scratchCount
        c.copies.withBytes { copies in
            /// The bytes a place (`parseRecord`) points at: in the buffer, or in the chunk's unescaped copies.
            @inline(__always)
            func view(_ place: UInt64) -> UnsafeRawBufferPointer {
                let count = Int(place & 0xFF_FFFF), at = Int((place & ~ChunkColumns.copiedBit) >> 24)
                return place & ChunkColumns.copiedBit != 0
                    ? UnsafeRawBufferPointer(start: copies.baseAddress.map { $0 + at }, count: count)
                    : UnsafeRawBufferPointer(start: buffer.baseAddress! + at, count: count)
            }
            var first = all.lowerBound
            while first < all.upperBound {
                let rows = first..<min(all.upperBound, first + block)
                first = rows.upperBound
                var d = 0
                for (f, col, _) in textPlan where col != nil {
                    let i = f.rawValue
                    let interner = c.interner(i)
                    if interner.pointee.isList {
                        // Nearly every value new (free text): listed, the merge finds repeats.
                        for row in rows {
                            let v = view(places[row &* width &+ d])
                            codes[row &* ChunkColumns.textWidth &+ i] = interner.pointee.append(v, hash: ByteInterner.hash(v))
                        }
                        d += 1
                        continue
                    }
                    if interner.pointee.longest <= WordIndex.longest {
                        // Short values only so far (units, ports, modes): each is its
                        // word index's, in row order; no block of views to build.
                        for row in rows {
                            codes[row &* ChunkColumns.textWidth &+ i] = interner.pointee.intern(view(places[row &* width &+ d]))
                        }
                        d += 1
                        continue
                    }
                    for (k, row) in rows.enumerated() {
                        // safe: the builders hold `accepted` rows of `width` places and of textWidth codes;
                        // k < block, the scratch room.
                        views[k] = view(places[row &* width &+ d])
                    }
                    let base = rows.lowerBound
                    interner.pointee.intern(rows.count, views: views, hashes: hashes) { k, code in
                        codes[(base &+ k) &* ChunkColumns.textWidth &+ i] = code
                    }
                    d += 1
                }
            }
        }
    }

    /// A bad date's message: the formats tried and, when a common one reads
    /// the text, which (the fix is then one line of the mapping file).
    @inline(never)
    static func badDateMessage(_ dv: UnsafeRawBufferPointer, _ dates: DateParser) -> String {
        var m = "declaration_date '\(String(decoding: dv, as: UTF8.self))' is not a date in "
            + dates.formats.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " or ")
        let reads = dates.suggestions(dv)
        if !reads.isEmpty { m += "; it reads as " + reads.joined(separator: " or ") }
        return m
    }

    /// Rows between two `internDeferred` passes: their input (~450 KB) stays in
    /// the L2 cache with the dictionaries.
    static let deferredRows = 2048

    /// Assembles the table of a builder's columns.
    func table(_ c: ChunkColumns) -> DeclarationTable {
        var table = DeclarationTable()
        table.count = c.accepted
        table.line = c.lines.array()
        table.declarationID = StringColumn(bytes: c.idBytes.array(), ends: c.idEnds.array())
        table.chunkKeyHashes = c.keyHashes.array()
        table.itemNo = c.items.array()
        table.date = c.dates.array()
        table.flow = c.flows.array()
        table.valueUSD = c.usd.array()
        table.fileIndex.append(UInt32(truncatingIfNeeded: fileIndex), count: c.accepted)
        for f in TextField.allCases {
            let present = f == .hsCode || f == .currency || textPlan.contains { $0.field == f }
            guard present else { table.text[f.rawValue] = nil; continue }
            var column = TextColumn()
            let dictionary = c.interner(f.rawValue)
            // A worker's dictionary hands over only the values this chunk added (the merge has the rest):
            // such a column's codes index the worker's dictionary, so only `TextColumn.append(_:keep:remap:)`
            // may read it (its values have no lookup table, and start at `firstCode`).
            column.values = c.shared ? dictionary.pointee.values(from: c.textBase[f.rawValue]) : dictionary.pointee
            // A dictionary rarely passes 65,536 values: then its codes go straight to two bytes.
            column.codes = dictionary.pointee.count <= 1 << 16
                ? CodeColumn(narrow: c.textCodes.column(f.rawValue, width: ChunkColumns.textWidth) { UInt16(truncatingIfNeeded: $0) })
                : CodeColumn(c.textCodes.column(f.rawValue, width: ChunkColumns.textWidth))
            table.text[f.rawValue] = column
        }
        for f in NumberField.allCases where numberPlan.contains(where: { $0.field == f }) {
            table.numbers[f.rawValue] = c.numbers.column(f.rawValue, width: ChunkColumns.numberWidth)
        }
        for f in CountryField.allCases where countryPlan.contains(where: { $0.field == f }) {
            table.countries[f.rawValue] = c.countries.column(f.rawValue, width: ChunkColumns.countryWidth)
        }
        table.outcome = outcomeColumn == nil ? nil : c.outcomes.array()
        table.extras = zip(mapping.extras, c.extras).map { ($0.name, $1) }
        return table
    }

    func recordReject(_ f: Failure, _ r: RecordView, index: Int, into out: inout ChunkResult) {
        reject(f, r, index: index, into: &out)
    }

    static let usd = Array("USD".utf8)

    /// `YYYY-MM-DD` (optionally followed by a time), or nil.
    @inline(__always)
    static func isoDate(_ b: UnsafeRawBufferPointer) -> CivilDate? {
        guard b.count >= 10, b[4] == 45, b[7] == 45, b.count == 10 || b[10] == UInt8(ascii: "T") || b[10] == 32 else { return nil }
        var ok = true
        @inline(__always) func d(_ i: Int) -> Int {
            let x = b[i] &- 48
            if x > 9 { ok = false }
            return Int(x)
        }
        let y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3), m = d(5) * 10 + d(6), day = d(8) * 10 + d(9)
        return ok ? CivilDate(year: y, month: m, day: day) : nil
    }

    /// 1-based column of byte `p` within its line.
    private func column(of p: Int, line: Int, recordStart: Int) -> Int {
        var s = p
        while s > 0 && buffer[s - 1] != 0x0A { s -= 1 }
        return p - s + 1
    }

    static func integer(_ v: UnsafeRawBufferPointer) -> Int32? {
        var n: Int64 = 0
        var i = 0
        var negative = false
        if v.first == UInt8(ascii: "-") { negative = true; i = 1 }
        guard i < v.count else { return nil }
        while i < v.count {
            let b = v[i]
            if b == UInt8(ascii: ".") {   // "3.0" is a whole number
                for k in (i + 1)..<v.count where v[k] != 48 { return nil }
                break
            }
            guard b >= 48 && b <= 57 else { return nil }
            n = n * 10 + Int64(b - 48)
            if n > Int64(Int32.max) { return nil }
            i += 1
        }
        return Int32(negative ? -n : n)
    }

    /// Digits of a tariff code with dots, spaces and dashes removed; 6 to 10 digits.
    static func tariffDigits(_ v: UnsafeRawBufferPointer) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(10)
        for b in v {
            if b >= 48 && b <= 57 { out.append(b) } else if b == UInt8(ascii: ".") || b == 0x20 || b == UInt8(ascii: "-") { continue } else { return nil }
        }
        return out.count >= 6 && out.count <= 10 ? out : nil
    }

    static func outcome(_ v: UnsafeRawBufferPointer) -> Int8? {
        switch String(decoding: v, as: UTF8.self).lowercased() {
        case "1", "1.0", "true", "yes", "y": 1
        case "0", "0.0", "false", "no", "n": 0
        default: nil
        }
    }
}

/// Chunk-local columns a builder fills (`ColumnBuilder`s: a store per value).
/// Text codes, numbers and countries are kept row-major, one row of every field
/// at a time, and split into columns when the chunk is done.
struct ChunkColumns {
    static let textWidth = TextField.allCases.count
    static let numberWidth = NumberField.allCases.count
    static let countryWidth = CountryField.allCases.count

    var accepted = 0
    var lines: ColumnBuilder<UInt32>, items: ColumnBuilder<Int32>, dates: ColumnBuilder<Int32>
    var flows: ColumnBuilder<UInt8>, usd: ColumnBuilder<Double>, keyHashes: ColumnBuilder<UInt64>
    var idBytes: ColumnBuilder<UInt8>, idEnds: ColumnBuilder<Int>
    /// Byte offsets of the accepted rows' records (for duplicate-key rejects).
    var offsets: ColumnBuilder<Int>
    var textCodes: ColumnBuilder<UInt32>
    /// Per row, where each text field read from a column lies: byte offset << 24
    /// | length, in the input, or in `copies` when `copiedBit` is set.
    var deferred: ColumnBuilder<UInt64>
    /// Unescaped copies of quoted text with doubled quotes.
    var copies: ColumnBuilder<UInt8>
    static let copiedBit: UInt64 = 1 << 63
    /// Rows whose deferred text is interned.
    var internedRows = 0
    /// The text dictionaries: the chunk's own, or a worker's that outlives its
    /// chunks (`shared`), whose sizes when this chunk began are `textBase`.
    let text: InternerSet
    let shared: Bool
    let textBase: [Int]
    /// Per text field: the worker's dictionary held `restartValues` values or
    /// more and was started afresh for this chunk.
    let restarted: [Bool]
    /// Values past which a worker's dictionary is started afresh at its next
    /// chunk. It saves a worker looking values up in the table's dictionary,
    /// which pays while values repeat; free text (a lot number in every
    /// description) hardly repeats, and each worker kept a copy of all its
    /// values: 10M rows of it held some 800 MB more, grown by doubling. A
    /// dictionary this large holds that kind of text; started afresh, its
    /// chunk hands the merge all its values (`Ingest.Merge` starts that
    /// worker's codes again), which the table's dictionary codes as before.
    static let restartValues = 1 << 20
    var numbers: ColumnBuilder<Double>
    var countries: ColumnBuilder<UInt16>
    var extras: [TextColumn]
    var outcomes: ColumnBuilder<Int8>
    var rates: [UInt64: Double] = [:]           // (currency, month) → units per USD; NaN: none
    var lastRateKey: UInt64 = .max
    var lastRate = Double.nan
    /// The last ten-byte date text (its first eight bytes and last two), its date and month index.
    var lastDateText: (UInt64, UInt16)? = nil
    /// The last date no format read, and its reject message.
    var lastBadDate: (text: [UInt8], message: String)? = nil
    var lastDate = CivilDate(daysSinceEpoch: 0)
    var lastMonth = 0

    init(extras: Int, deferredFields: Int, reserve: Int, dictionaries: InternerSet? = nil) {
        self.extras = [TextColumn](repeating: TextColumn(), count: extras)
        lines = .init(capacity: reserve); items = .init(capacity: reserve); dates = .init(capacity: reserve)
        flows = .init(capacity: reserve); usd = .init(capacity: reserve); keyHashes = .init(capacity: reserve)
        idBytes = .init(capacity: reserve * 20); idEnds = .init(capacity: reserve)
        offsets = .init(capacity: reserve)
        textCodes = .init(capacity: reserve * Self.textWidth)
        deferred = .init(capacity: reserve * deferredFields)
        copies = .init(capacity: 1024)
        text = dictionaries ?? InternerSet(count: Self.textWidth, capacity: 64)
        shared = dictionaries != nil
        var restarted = [Bool](repeating: false, count: Self.textWidth)
        if shared {
            // A dictionary grown past `restartValues`, or one to be listed or that was a list (it can
            // look nothing up), starts afresh.
            for f in 0..<Self.textWidth where text.interners[f].count >= text.restartValues || text.listing[f] || text.interners[f].isList {
                text.interners[f] = text.listing[f] ? ByteInterner.list(capacity: reserve) : ByteInterner(capacity: 64)
                restarted[f] = true
            }
        }
        self.restarted = restarted
        textBase = (0..<Self.textWidth).map { [text] in text.interners[$0].count }
        numbers = .init(capacity: reserve * Self.numberWidth)
        countries = .init(capacity: reserve * Self.countryWidth)
        outcomes = .init(capacity: 16)
    }

    /// Field `f`'s dictionary.
    @inline(__always)
    func interner(_ f: Int) -> UnsafeMutablePointer<ByteInterner> { text.interners + f }
}

/// Parses visited records into chunk-local columns; rejects what does not parse.
struct ChunkBuilder: RecordVisitor {
    let parser: ChunkParser
    var columns: ChunkColumns
    var out = ChunkResult()
    var skipHeader: Bool
    /// 0-based data record index of the next record (header excluded).
    var recordIndex = 0
    /// One past the last record visited (its LF included); 0 before the first.
    private(set) var lastEnd = 0
    /// The data record of each accepted row (`ChunkResult.records`).
    private var records: ColumnBuilder<Int32>
    private var keep: [[UInt8]] = []

    init(parser: ChunkParser, skipHeader: Bool, expectedRows: Int, dictionaries: InternerSet? = nil) {
        self.parser = parser
        self.skipHeader = skipHeader
        self.columns = ChunkColumns(extras: parser.mapping.extras.count, deferredFields: parser.deferredFields, reserve: expectedRows,
                                    dictionaries: dictionaries)
        self.records = ColumnBuilder(capacity: expectedRows)
    }

    mutating func visit(_ r: RecordView) {
        lastEnd = r.end
        if skipHeader {
            skipHeader = false
            out.headerLines = 1
            return
        }
        out.recordsRead += 1
        if !keep.isEmpty { keep.removeAll(keepingCapacity: true) }
        if let failure = parser.parseRecord(r, into: &columns, keep: &keep) {
            parser.recordReject(failure, r, index: recordIndex, into: &out)
        } else {
            records.append(Int32(truncatingIfNeeded: recordIndex))
        }
        recordIndex += 1
        if columns.accepted - columns.internedRows >= ChunkParser.deferredRows { parser.internDeferred(&columns) }
    }

    mutating func finish() -> ChunkResult {
        parser.internDeferred(&columns)
        if columns.shared {
            out.listedFields = (0..<ChunkColumns.textWidth).filter { columns.text.interners[$0].isList }.count
            ChunkBuilder.chooseListing(columns, fields: parser.deferredIndices)
        }
        out.table = parser.table(columns)
        out.restarted = columns.restarted
        out.offsets = columns.offsets.array()
        out.end = lastEnd
        out.records = records.array()
        return out
    }

    /// Chunks a field is listed in a row before one is interned again, to see whether its values still hardly repeat.
    static let listedRun = 8
    /// Rows a chunk needs for its new values' share to decide listing.
    static let listingRows = 1024

    /// Decides, per text field of a worker's dictionaries, whether its next
    /// chunk lists the field's values (`ByteInterner.list`) or interns them:
    /// listed when at least nine values in ten of a chunk of `listingRows` rows or
    /// more were new to the worker's dictionary and long (short values go
    /// through the word index, cheap either way); after `listedRun` listed
    /// chunks, one is interned to look again. Only how fast a worker goes
    /// depends on it: the table's dictionary gets the same codes either way.
    /// `fields`: those interned by `internDeferred` (the only path that lists).
    static func chooseListing(_ c: ChunkColumns, fields: [Int]) {
        let text = c.text, rows = c.accepted
        for f in fields {
            let d = text.interners[f]
            if d.isList {
                text.listed[f] += 1
                text.listing[f] = text.listed[f] < listedRun
            } else {
                let added = d.count - c.textBase[f]
                text.listing[f] = rows >= text.listingRows && d.longest > WordIndex.longest && added * 10 >= rows * 9
                text.listed[f] = 0
            }
        }
    }
}

