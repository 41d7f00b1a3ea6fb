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
    /// The first line of the chunk's records (for record numbering across chunks).
    var records: Int { recordsRead }
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

    // Resolved once per chunk.
    private let idColumn: Int
    private let dateColumn: Int
    private let itemColumn: Int?
    private let flowColumn: Int?
    private let valueColumn: Int
    private let currencyColumn: Int?
    private let currencyConstant: [UInt8]?
    private let outcomeColumn: Int?
    private let hsColumn: Int
    private let textPlan: [(field: TextField, column: Int?, constant: String?)]
    private let countryPlan: [(field: CountryField, column: Int?, constant: UInt16?)]
    private let numberPlan: [(field: NumberField, column: Int)]
    private let defaultFlow: UInt8
    private let headers: [String]

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
        countryPlan = CountryField.allCases.compactMap { f in
            let c = mapping.column(f.canonical), k = mapping.constant(f.canonical).flatMap { CountryCodes.code($0) }
            return c == nil && k == nil ? nil : (f, c, k)
        }
        numberPlan = NumberField.allCases.compactMap { f in
            mapping.column(f.canonical).map { (f, $0) }
        }
        defaultFlow = mapping.flow == "import" ? 1 : 0
    }

    /// A row-level failure: the reason, the message, and the offending column (nil: whole record).
    struct Failure: Error {
        var reason: RejectReason
        var message: String
        var column: Int?
    }

    private func reject(_ f: Failure, record r: Int, index: Int, tokens t: CSVTokens, recordStart: Int, recordEnd: Int,
                        into out: inout ChunkResult) {
        out.rejectCounts[f.reason, default: 0] += 1
        guard keepRejects else { return }
        let fields = t.fields(ofRecord: r)
        let fieldName = f.column.map { $0 < headers.count ? headers[$0] : "field \($0 + 1)" } ?? ""
        var column = 1
        if let c = f.column, c < fields.count { column = self.column(of: t.fieldStart[fields.lowerBound + c], line: 0, recordStart: recordStart) }
        out.rejects.append(Reject(
            fileIndex: fileIndex, line: t.recordLine[r], byteOffset: recordStart, column: column,
            record: index, field: fieldName, reason: f.reason, message: f.message,
            raw: Array(buffer[recordStart..<min(recordEnd, recordStart + 1024, buffer.count)])))
    }

    /// Field `column` of the record whose first field is `first`: a view of the
    /// buffer, trimmed of spaces, or an unescaped copy kept in `keep`.
    @inline(__always)
    private func value(_ t: CSVTokens, _ first: Int, _ column: Int, keep: inout [[UInt8]]) -> UnsafeRawBufferPointer {
        let f = first + column
        var s = t.fieldStart[f], e = t.fieldEnd[f]
        if t.fieldFlags[f].contains(.escapedQuote) {
            keep.append(FieldValue.bytes(buffer, start: s, end: e, flags: t.fieldFlags[f], quote: quote))
            return keep[keep.count - 1].withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) }
        }
        while s < e && buffer[s] == 0x20 { s += 1 }
        while e > s && buffer[e - 1] == 0x20 { e -= 1 }
        return UnsafeRawBufferPointer(rebasing: buffer[s..<e])
    }

    private func text(_ v: UnsafeRawBufferPointer) -> String { String(decoding: v, as: UTF8.self) }

    func parse(_ t: CSVTokens, skipHeader: Bool, firstRecordIndex: Int) -> ChunkResult {
        var out = ChunkResult()
        var table = DeclarationTable()
        let reserve = t.recordCount
        var textColumns = [TextColumn](repeating: TextColumn(), count: TextField.allCases.count)
        var numberColumns = [[Double]](repeating: [], count: NumberField.allCases.count)
        var countryColumns = [[UInt16]](repeating: [], count: CountryField.allCases.count)
        var extraColumns = [TextColumn](repeating: TextColumn(), count: mapping.extras.count)
        var outcomes: [Int8] = []
        for (f, _, _) in textPlan { textColumns[f.rawValue].codes.reserveCapacity(reserve) }
        for (f, _) in numberPlan { numberColumns[f.rawValue].reserveCapacity(reserve) }
        for (f, _, _) in countryPlan { countryColumns[f.rawValue].reserveCapacity(reserve) }
        textColumns[TextField.hsCode.rawValue].codes.reserveCapacity(reserve)
        textColumns[TextField.currency.rawValue].codes.reserveCapacity(reserve)
        // Local columns: appends without uniqueness checks through nested structs.
        var lines = [UInt32](), items = [Int32](), dates = [Int32](), flows = [UInt8](), usd = [Double]()
        var ids = StringColumn()
        var keyHashes = [UInt64]()
        lines.reserveCapacity(reserve); items.reserveCapacity(reserve); dates.reserveCapacity(reserve)
        flows.reserveCapacity(reserve); usd.reserveCapacity(reserve); keyHashes.reserveCapacity(reserve)
        ids.offsets.reserveCapacity(reserve + 1); ids.bytes.reserveCapacity(reserve * 20)
        var accepted = 0

        var keep: [[UInt8]] = []
        var numbers = [Double](repeating: .nan, count: NumberField.allCases.count)
        var countries = [UInt16](repeating: 0, count: CountryField.allCases.count)
        var rates: [UInt64: Double] = [:]          // (currency, month) → units per USD; NaN: none
        let first = skipHeader ? 1 : 0
        if skipHeader && t.recordCount > 0 { out.headerLines = 1 }
        out.blankLines = t.blankLines
        let headerCount = mapping.headerCount
        let hsIndex = TextField.hsCode.rawValue, curIndex = TextField.currency.rawValue
        let isoDates = mapping.dates.formats == [Array("%Y-%m-%d".utf8)]

        for r in first..<t.recordCount {
            let recordIndex = firstRecordIndex + r - first
            out.recordsRead += 1
            if !keep.isEmpty { keep.removeAll(keepingCapacity: true) }
            let fields = t.fields(ofRecord: r)
            let f0 = fields.lowerBound
            let recordStart = t.recordOffset[r]
            let recordEnd = r + 1 < t.recordCount ? t.recordOffset[r + 1] : (fields.isEmpty ? recordStart : t.fieldEnd[fields.upperBound - 1])
            do {
                if t.recordFlags[r].contains(.unterminatedQuote) {
                    throw Failure(reason: .unterminatedQuote, message: "a quoted field is never closed; the rest of the file was read into it")
                }
                if recordEnd - recordStart > ChunkParser.maxRecordBytes {
                    throw Failure(reason: .recordTooLong, message: "record of \(recordEnd - recordStart) bytes is over 1 MiB")
                }
                if fields.count != headerCount {
                    throw Failure(reason: .wrongFieldCount, message: "\(fields.count) fields, the header has \(headerCount)")
                }
                if let bad = UTF8Validation.firstInvalid(UnsafeRawBufferPointer(rebasing: buffer[recordStart..<recordEnd])) {
                    let c = (fields.first { t.fieldEnd[$0] > recordStart + bad } ?? f0) - f0
                    throw Failure(reason: .invalidUTF8, message: "invalid UTF-8 byte 0x\(String(buffer[recordStart + bad], radix: 16, uppercase: true))", column: c)
                }
                // Key.
                let id = value(t, f0, idColumn, keep: &keep)
                if id.isEmpty { throw Failure(reason: .emptyRequiredField, message: "declaration_id is empty", column: idColumn) }
                var item: Int32 = 1
                if let c = itemColumn {
                    let v = value(t, f0, c, keep: &keep)
                    if !v.isEmpty {
                        guard let n = ChunkParser.integer(v) else { throw Failure(reason: .unparsableNumber, message: "item_no '\(text(v))' is not a whole number", column: c) }
                        item = n
                    }
                }
                // Date.
                let dv = value(t, f0, dateColumn, keep: &keep)
                if dv.isEmpty { throw Failure(reason: .emptyRequiredField, message: "declaration_date is empty", column: dateColumn) }
                guard let date = isoDates ? ChunkParser.isoDate(dv) ?? mapping.dates.parse(dv) : mapping.dates.parse(dv) else {
                    throw Failure(reason: .badDate, message: "'\(text(dv))' is not a date in \(mapping.dates.formats.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " or "))", column: dateColumn)
                }
                guard date >= ChunkParser.minDate && date <= ChunkParser.maxDate else {
                    throw Failure(reason: .dateOutOfRange, message: "date \(date) is outside 1990-01-01…2035-12-31", column: dateColumn)
                }
                // Tariff code: digits only is the common case and needs no copy.
                let hsRaw = value(t, f0, hsColumn, keep: &keep)
                if hsRaw.isEmpty { throw Failure(reason: .emptyRequiredField, message: "hs_code is empty", column: hsColumn) }
                var hsDigits: UnsafeRawBufferPointer = hsRaw
                if !(hsRaw.count >= 6 && hsRaw.count <= 10 && hsRaw.allSatisfy({ $0 >= 48 && $0 <= 57 })) {
                    guard let d = ChunkParser.tariffDigits(hsRaw) else {
                        throw Failure(reason: .badTariffCode, message: "'\(text(hsRaw))' is not a tariff code of 6 to 10 digits", column: hsColumn)
                    }
                    keep.append(d)
                    hsDigits = keep[keep.count - 1].withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) }
                }
                // Value and currency.
                let vv = value(t, f0, valueColumn, keep: &keep)
                if vv.isEmpty { throw Failure(reason: .emptyRequiredField, message: "value is empty", column: valueColumn) }
                guard let declared = mapping.decimals.parse(vv) else { throw Failure(reason: .unparsableNumber, message: "value '\(text(vv))' is not a number", column: valueColumn) }
                guard declared >= 0 else { throw Failure(reason: .negativeValue, message: "value \(text(vv)) is negative", column: valueColumn) }
                var currency: UnsafeRawBufferPointer
                if let c = currencyColumn {
                    currency = value(t, f0, c, keep: &keep)
                    if currency.isEmpty, let k = currencyConstant { currency = k.withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) } }
                } else {
                    currency = (currencyConstant ?? ChunkParser.usd).withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) }
                }
                if currency.contains(where: { $0 >= 97 && $0 <= 122 }) {
                    keep.append(currency.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 })
                    currency = keep[keep.count - 1].withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) }
                }
                let month = date.monthIndex
                var key = UInt64(truncatingIfNeeded: month) << 40 | UInt64(currency.count) << 32
                for (k, b) in currency.prefix(4).enumerated() { key |= UInt64(b) << (8 * UInt64(k)) }
                var rate = rates[key]
                if rate == nil {
                    rate = currency.count > 4 ? nil : fx.unitsPerUSD(text(currency), year: month / 12, month: month % 12 + 1)
                    rate = rate ?? .nan
                    if currency.count <= 4 { rates[key] = rate }
                }
                guard let rate, !rate.isNaN else {
                    let code = text(currency)
                    throw Failure(reason: .unknownCurrency,
                                  message: fx.currencies.contains(code) ? "no \(code) rate for \(month / 12)-\(month % 12 < 9 ? "0" : "")\(month % 12 + 1) in the FX table"
                                                                        : "currency '\(code)' is not in the FX table", column: currencyColumn)
                }
                // Numbers.
                for (f, c) in numberPlan {
                    let v = value(t, f0, c, keep: &keep)
                    if v.isEmpty { numbers[f.rawValue] = .nan; continue }
                    guard let x = mapping.decimals.parse(v) else { throw Failure(reason: .unparsableNumber, message: "\(f.canonical.rawValue) '\(text(v))' is not a number", column: c) }
                    if x < 0 && f != .revenue { throw Failure(reason: .negativeValue, message: "\(f.canonical.rawValue) \(text(v)) is negative", column: c) }
                    numbers[f.rawValue] = (f == .netWeightKg || f == .grossWeightKg) ? x * mapping.weightFactor : x
                }
                // Countries.
                for (f, c, k) in countryPlan {
                    guard let c else { countries[f.rawValue] = k ?? 0; continue }
                    let v = value(t, f0, c, keep: &keep)
                    if v.isEmpty { countries[f.rawValue] = k ?? 0; continue }
                    guard let code = CountryCodes.code(v) else { throw Failure(reason: .unknownCountry, message: "\(f.canonical.rawValue) '\(text(v))' is not a country", column: c) }
                    countries[f.rawValue] = code
                }
                // Outcome.
                var outcome: Int8 = -1
                if let c = outcomeColumn {
                    let v = value(t, f0, c, keep: &keep)
                    if !v.isEmpty {
                        guard let o = ChunkParser.outcome(v) else { throw Failure(reason: .badOutcome, message: "outcome '\(text(v))' is not 0 or 1", column: c) }
                        outcome = o
                    }
                }
                // The row is good: append.
                accepted += 1
                lines.append(UInt32(truncatingIfNeeded: t.recordLine[r]))
                ids.append(id)
                keyHashes.append(ByteInterner.hash(id) ^ (UInt64(UInt32(bitPattern: item)) &* 0x9E37_79B9_7F4A_7C15))
                items.append(item)
                dates.append(Int32(truncatingIfNeeded: date.daysSinceEpoch))
                var flow = defaultFlow
                if let c = flowColumn, let b = value(t, f0, c, keep: &keep).first {
                    let l = b | 0x20
                    flow = l == UInt8(ascii: "i") || l == UInt8(ascii: "m") ? 1 : l == UInt8(ascii: "e") || l == UInt8(ascii: "x") ? 0 : defaultFlow
                }
                flows.append(flow)
                usd.append(declared / rate)
                textColumns[hsIndex].codes.append(textColumns[hsIndex].values.intern(hsDigits))
                textColumns[curIndex].codes.append(textColumns[curIndex].values.intern(currency))
                for (f, c, k) in textPlan {
                    let i = f.rawValue
                    let code = c.map { textColumns[i].values.intern(value(t, f0, $0, keep: &keep)) } ?? textColumns[i].values.intern(k!)
                    textColumns[i].codes.append(code)
                }
                for (f, _) in numberPlan { numberColumns[f.rawValue].append(numbers[f.rawValue]) }
                for (f, _, _) in countryPlan { countryColumns[f.rawValue].append(countries[f.rawValue]) }
                if outcomeColumn != nil { outcomes.append(outcome) }
                for k in mapping.extras.indices {
                    extraColumns[k].codes.append(extraColumns[k].values.intern(value(t, f0, mapping.extras[k].index, keep: &keep)))
                }
            } catch let failure as Failure {
                reject(failure, record: r, index: recordIndex, tokens: t, recordStart: recordStart, recordEnd: recordEnd, into: &out)
            } catch {
                preconditionFailure("unexpected error \(error)")
            }
        }
        table.count = accepted
        table.line = lines
        table.declarationID = ids
        table.keyHash = keyHashes
        table.itemNo = items
        table.date = dates
        table.flow = flows
        table.valueUSD = usd
        table.fileIndex = Array(repeating: UInt16(truncatingIfNeeded: fileIndex), count: accepted)
        for f in TextField.allCases {
            let present = f == .hsCode || f == .currency || textPlan.contains { $0.field == f }
            table.text[f.rawValue] = present ? textColumns[f.rawValue] : nil
        }
        for f in NumberField.allCases where numberPlan.contains(where: { $0.field == f }) { table.numbers[f.rawValue] = numberColumns[f.rawValue] }
        for f in CountryField.allCases where countryPlan.contains(where: { $0.field == f }) { table.countries[f.rawValue] = countryColumns[f.rawValue] }
        table.outcome = outcomeColumn == nil ? nil : outcomes
        table.extras = zip(mapping.extras, extraColumns).map { ($0.name, $1) }
        out.table = table
        return out
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
