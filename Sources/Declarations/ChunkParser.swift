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

    /// Field bytes: a view of the buffer, or a copy with doubled quotes undone.
    /// Leading and trailing spaces are trimmed.
    @inline(__always)
    private func field(_ t: CSVTokens, _ f: Int, scratch: inout [[UInt8]]) -> UnsafeRawBufferPointer {
        var s = t.fieldStart[f], e = t.fieldEnd[f]
        if t.fieldFlags[f].contains(.escapedQuote) {
            let bytes = FieldValue.bytes(buffer, start: s, end: e, flags: t.fieldFlags[f], quote: quote)
            scratch.append(bytes)
            return scratch[scratch.count - 1].withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) }
        }
        while s < e && buffer[s] == 0x20 { s += 1 }
        while e > s && buffer[e - 1] == 0x20 { e -= 1 }
        return UnsafeRawBufferPointer(rebasing: buffer[s..<e])
    }

    func parse(_ t: CSVTokens, skipHeader: Bool, firstRecordIndex: Int) -> ChunkResult {
        var out = ChunkResult()
        var table = DeclarationTable()
        table.text = TextField.allCases.map { f in textPlan.contains { $0.field == f } || f == .hsCode || f == .currency ? TextColumn() : nil }
        table.countries = CountryField.allCases.map { f in countryPlan.contains { $0.field == f } ? [] : nil }
        table.numbers = NumberField.allCases.map { f in numberPlan.contains { $0.field == f } ? [] : nil }
        table.outcome = outcomeColumn == nil ? nil : []
        table.extras = mapping.extras.map { ($0.name, TextColumn()) }
        let reserve = t.recordCount
        table.line.reserveCapacity(reserve); table.itemNo.reserveCapacity(reserve); table.date.reserveCapacity(reserve)
        table.valueUSD.reserveCapacity(reserve); table.declarationID.codes.reserveCapacity(reserve)

        var scratch: [[UInt8]] = []
        var numbers = [Double](repeating: .nan, count: NumberField.allCases.count)
        var countries = [UInt16](repeating: 0, count: CountryField.allCases.count)
        let first = skipHeader ? 1 : 0
        if skipHeader && t.recordCount > 0 { out.headerLines = 1 }
        out.blankLines = t.blankLines
        var recordIndex = firstRecordIndex

        rows: for r in first..<t.recordCount {
            defer { recordIndex += 1 }
            out.recordsRead += 1
            scratch.removeAll(keepingCapacity: true)
            let fields = t.fields(ofRecord: r)
            let recordStart = t.recordOffset[r]
            let recordEnd = r + 1 < t.recordCount ? t.recordOffset[r + 1] : (fields.isEmpty ? recordStart : t.fieldEnd[fields.upperBound - 1])

            func reject(_ reason: RejectReason, _ message: String, field f: Int? = nil, column c: Int? = nil) {
                out.rejectCounts[reason, default: 0] += 1
                guard keepRejects else { return }
                let fieldName = c.map { $0 < headers.count ? headers[$0] : "field \($0 + 1)" } ?? ""
                out.rejects.append(Reject(
                    fileIndex: fileIndex, line: t.recordLine[r], byteOffset: recordStart,
                    column: f.map { column(of: t.fieldStart[$0], line: t.recordLine[r], recordStart: recordStart) } ?? 1,
                    record: recordIndex, field: fieldName, reason: reason, message: message,
                    raw: Array(buffer[recordStart..<min(recordEnd, recordStart + 1024, buffer.count)])))
            }

            if t.recordFlags[r].contains(.unterminatedQuote) {
                reject(.unterminatedQuote, "a quoted field is never closed; the rest of the file was read into it")
                continue
            }
            if recordEnd - recordStart > ChunkParser.maxRecordBytes {
                reject(.recordTooLong, "record of \(recordEnd - recordStart) bytes is over 1 MiB")
                continue
            }
            if fields.count != mapping.headerCount {
                reject(.wrongFieldCount, "\(fields.count) fields, the header has \(mapping.headerCount)")
                continue
            }
            if let bad = UTF8Validation.firstInvalid(UnsafeRawBufferPointer(rebasing: buffer[recordStart..<recordEnd])) {
                let f = fields.first { t.fieldEnd[$0] > recordStart + bad } ?? fields.lowerBound
                let b = buffer[recordStart + bad]
                reject(.invalidUTF8, "invalid UTF-8 byte 0x\(String(b, radix: 16, uppercase: true))", field: f, column: f - fields.lowerBound)
                continue
            }
            @inline(__always) func value(_ column: Int) -> UnsafeRawBufferPointer {
                field(t, fields.lowerBound + column, scratch: &scratch)
            }
            func text(_ column: Int) -> String { String(decoding: value(column), as: UTF8.self) }

            // Key.
            let id = value(idColumn)
            if id.isEmpty { reject(.emptyRequiredField, "declaration_id is empty", field: fields.lowerBound + idColumn, column: idColumn); continue }
            var item: Int32 = 1
            if let c = itemColumn {
                let v = value(c)
                if !v.isEmpty {
                    guard let n = ChunkParser.integer(v) else {
                        reject(.unparsableNumber, "item_no '\(text(c))' is not a whole number", field: fields.lowerBound + c, column: c); continue
                    }
                    item = n
                }
            }
            // Date.
            let dv = value(dateColumn)
            if dv.isEmpty { reject(.emptyRequiredField, "declaration_date is empty", field: fields.lowerBound + dateColumn, column: dateColumn); continue }
            guard let date = mapping.dates.parse(dv) else {
                reject(.badDate, "'\(text(dateColumn))' is not a date in \(mapping.dates.formats.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " or "))",
                       field: fields.lowerBound + dateColumn, column: dateColumn); continue
            }
            guard date >= ChunkParser.minDate && date <= ChunkParser.maxDate else {
                reject(.dateOutOfRange, "date \(date) is outside 1990-01-01…2035-12-31", field: fields.lowerBound + dateColumn, column: dateColumn); continue
            }
            // Tariff code.
            let hsRaw = value(hsColumn)
            if hsRaw.isEmpty { reject(.emptyRequiredField, "hs_code is empty", field: fields.lowerBound + hsColumn, column: hsColumn); continue }
            guard let hs = ChunkParser.tariffDigits(hsRaw) else {
                reject(.badTariffCode, "'\(text(hsColumn))' is not a tariff code of 6 to 10 digits", field: fields.lowerBound + hsColumn, column: hsColumn); continue
            }
            // Value and currency.
            let vv = value(valueColumn)
            if vv.isEmpty { reject(.emptyRequiredField, "value is empty", field: fields.lowerBound + valueColumn, column: valueColumn); continue }
            guard let declared = mapping.decimals.parse(vv) else {
                reject(.unparsableNumber, "value '\(text(valueColumn))' is not a number", field: fields.lowerBound + valueColumn, column: valueColumn); continue
            }
            guard declared >= 0 else {
                reject(.negativeValue, "value \(text(valueColumn)) is negative", field: fields.lowerBound + valueColumn, column: valueColumn); continue
            }
            var currency: [UInt8]
            if let c = currencyColumn {
                currency = Array(value(c))
                for k in currency.indices where currency[k] >= 97 && currency[k] <= 122 { currency[k] -= 32 }
                if currency.isEmpty, let k = currencyConstant { currency = k }
            } else {
                currency = currencyConstant ?? Array("USD".utf8)
            }
            let comps = date.components
            let curText = String(decoding: currency, as: UTF8.self)
            guard let rate = fx.unitsPerUSD(curText, year: comps.year, month: comps.month) else {
                let known = fx.currencies.contains(curText)
                reject(.unknownCurrency, known ? "no \(curText) rate for \(comps.year)-\(comps.month < 10 ? "0" : "")\(comps.month) in the FX table"
                                               : "currency '\(curText)' is not in the FX table",
                       field: currencyColumn.map { fields.lowerBound + $0 }, column: currencyColumn); continue
            }
            // Numbers.
            for (f, c) in numberPlan {
                let v = value(c)
                if v.isEmpty { numbers[f.rawValue] = .nan; continue }
                guard let x = mapping.decimals.parse(v) else {
                    reject(.unparsableNumber, "\(f.canonical.rawValue) '\(text(c))' is not a number", field: fields.lowerBound + c, column: c); continue rows
                }
                if x < 0 && f != .revenue {
                    reject(.negativeValue, "\(f.canonical.rawValue) \(text(c)) is negative", field: fields.lowerBound + c, column: c); continue rows
                }
                numbers[f.rawValue] = (f == .netWeightKg || f == .grossWeightKg) ? x * mapping.weightFactor : x
            }
            // Countries.
            for (f, c, k) in countryPlan {
                if let c {
                    let v = value(c)
                    if v.isEmpty { countries[f.rawValue] = k ?? 0; continue }
                    guard let code = CountryCodes.code(v) else {
                        reject(.unknownCountry, "\(f.canonical.rawValue) '\(text(c))' is not a country", field: fields.lowerBound + c, column: c); continue rows
                    }
                    countries[f.rawValue] = code
                } else {
                    countries[f.rawValue] = k ?? 0
                }
            }
            // Outcome.
            var outcome: Int8 = -1
            if let c = outcomeColumn {
                let v = value(c)
                if !v.isEmpty {
                    guard let o = ChunkParser.outcome(v) else {
                        reject(.badOutcome, "outcome '\(text(c))' is not 0 or 1", field: fields.lowerBound + c, column: c); continue
                    }
                    outcome = o
                }
            }
            // The row is good: append.
            table.count += 1
            table.fileIndex.append(UInt16(truncatingIfNeeded: fileIndex))
            table.line.append(UInt32(truncatingIfNeeded: t.recordLine[r]))
            table.declarationID.codes.append(table.declarationID.values.intern(id))
            table.itemNo.append(item)
            table.date.append(Int32(date.daysSinceEpoch))
            var flow = defaultFlow
            if let c = flowColumn {
                let v = value(c)
                if let b = v.first { flow = (b | 0x20) == UInt8(ascii: "i") || (b | 0x20) == UInt8(ascii: "m") ? 1 : (b | 0x20) == UInt8(ascii: "e") || (b | 0x20) == UInt8(ascii: "x") ? 0 : defaultFlow }
            }
            table.flow.append(flow)
            table.valueUSD.append(declared / rate)
            hs.withUnsafeBytes { table.text[TextField.hsCode.rawValue]!.codes.append(table.text[TextField.hsCode.rawValue]!.values.intern($0)) }
            currency.withUnsafeBytes { table.text[TextField.currency.rawValue]!.codes.append(table.text[TextField.currency.rawValue]!.values.intern($0)) }
            for (f, c, k) in textPlan {
                let code: UInt32
                if let c { code = table.text[f.rawValue]!.values.intern(value(c)) } else { code = table.text[f.rawValue]!.values.intern(k!) }
                table.text[f.rawValue]!.codes.append(code)
            }
            for (f, _) in numberPlan { table.numbers[f.rawValue]!.append(numbers[f.rawValue]) }
            for (f, _, _) in countryPlan { table.countries[f.rawValue]!.append(countries[f.rawValue]) }
            if outcomeColumn != nil { table.outcome!.append(outcome) }
            for k in mapping.extras.indices {
                let v = value(mapping.extras[k].index)
                table.extras[k].column.codes.append(table.extras[k].column.values.intern(v))
            }
        }
        out.table = table
        return out
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
