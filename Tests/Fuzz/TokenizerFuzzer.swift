// libFuzzer target: the SIMD tokenizer (structural index + assembler, with
// every stage-1 kernel the CPU runs, and chunk edges and index windows chosen
// by the input), whole, chunk by chunk, and streamed to a record visitor as
// ingest reads, must give exactly the scalar tokenizer's tokens for any bytes;
// and chunks started at record starts (an irregular file's pieces) the scalar
// records that start in them, also when irregular records are read by the
// scalar machine where they lie (a recovering visit, which never gives up).
// Built and run by Scripts/fuzz.sh, not by SwiftPM.
//
// Input layout: byte 0 picks the dialect (low 2 bits), the number of chunk
// edges (next 3 bits) and the structural-index window (top 3 bits); the next
// 2 bytes per edge give its offset; the rest is the CSV.

@_cdecl("LLVMFuzzerTestOneInput")
public func tokenizerFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let control = data[0]
    let dialect = [Dialect.comma, .semicolon, .tab, .pipe][Int(control & 3)]
    let edgeCount = Int((control >> 2) & 7)
    var offset = 1
    var edges: [Int] = []
    for _ in 0..<edgeCount where offset + 2 <= size {
        edges.append(Int(data[offset]) | Int(data[offset + 1]) << 8)
        offset += 2
    }
    let body = UnsafeRawBufferPointer(start: data + offset, count: size - offset)
    let window = [Tokenizer.indexWindow, 1, 7, 64, 65, 100, 192, 1000][Int(control >> 5)]
    let scalar = ScalarTokenizer.tokenize(body, dialect: dialect)
    var expected: [String] = []
    for r in 0..<scalar.recordCount {
        expected.append("\(scalar.recordOffset[r])@\(scalar.recordLine[r]):" + scalar.fields(ofRecord: r).map {
            "\(scalar.fieldStart[$0])-\(scalar.fieldEnd[$0])/\(scalar.fieldFlags[$0].rawValue)"
        }.joined(separator: ","))
    }
    // Every stage-1 kernel this CPU runs (portable SSE2, and AVX-512 where present).
    for kernel in IndexKernel.available {
        let fast = Tokenizer.tokenize(body, dialect: dialect, splits: edges.map { $0 % (body.count + 1) }, kernel: kernel)
        if fast != scalar {
            fatalError("SIMD (\(kernel)) and scalar tokens differ (dialect \(dialect.delimiter), edges \(edges))")
        }
        // The ingest path: chunk by chunk, records owned by the chunk they start in.
        let chunked = Tokenizer.tokenizeInChunks(body, dialect: dialect, splits: edges.map { $0 % (body.count + 1) }, kernel: kernel,
                                                 indexWindow: window)
        if chunked != scalar {
            fatalError("chunked (\(kernel)) and scalar tokens differ (dialect \(dialect.delimiter), edges \(edges))")
        }
        // The streaming path ingest uses: records visited chunk by chunk.
        let plan = Tokenizer.plan(body, dialect: dialect, splits: edges.map { $0 % (body.count + 1) }, kernel: kernel, indexWindow: window)
        var collected = Collect()
        var regular = true
        for j in 0..<plan.count where regular {
            regular = Tokenizer.visitChunk(body, dialect: dialect, plan: plan, chunk: j, visitor: &collected) != nil
        }
        if !regular {
            collected = Collect()
            _ = Tokenizer.visitScalar(body, dialect: dialect, pieceSize: 5, visitor: &collected)
        }
        if collected.records != expected {
            fatalError("visited records (\(kernel)) differ from the scalar tokens (edges \(edges))")
        }
        // Chunks started at record starts, as an irregular file's pieces are once checked
        // (`Tokenizer.plan(_:recordStarts:kernel:)`): each chunk's records by the SIMD path
        // are the scalar records that start in it, at their lines, or the chunk is irregular.
        let offsets = (0..<scalar.recordCount).map { scalar.recordOffset[$0] }
        guard !offsets.isEmpty else { continue }
        let picked = Set(edges.map { offsets[$0 % offsets.count] }.filter { $0 > 0 && body[$0 - 1] == 0x0A })
        let starts = [0] + picked.sorted()
        var pieces = Tokenizer.plan(body, recordStarts: starts, kernel: kernel)
        for k in starts.indices { pieces.setLine(1 + Tokenizer.newlines(in: body, range: 0..<starts[k], kernel: kernel), ofChunk: k) }
        for k in starts.indices {
            let stop = k + 1 < starts.count ? starts[k + 1] : body.count
            let own = (0..<scalar.recordCount).filter { scalar.recordOffset[$0] >= starts[k] && scalar.recordOffset[$0] < stop }.map { expected[$0] }
            // Recovering (irregular records read by the scalar machine where they are): never gives up, always the scalar records.
            for window in [pieces.indexWindow, window] {
                var plan = pieces
                plan.indexWindow = window
                var recovered = Collect()
                guard Tokenizer.visitChunk(body, dialect: dialect, plan: plan, chunk: k, recovering: true, visitor: &recovered) != nil else {
                    fatalError("a recovering visit of the chunk from record start \(starts[k]) (\(kernel)) gave up (starts \(starts))")
                }
                if recovered.records != own {
                    fatalError("recovered records of the chunk from record start \(starts[k]) (\(kernel), window \(window)) differ from the scalar tokens (starts \(starts))")
                }
            }
            var piece = Collect()
            guard Tokenizer.visitChunk(body, dialect: dialect, plan: pieces, chunk: k, visitor: &piece) != nil else { continue }
            if piece.records != own {
                fatalError("records of the chunk from record start \(starts[k]) (\(kernel)) differ from the scalar tokens (starts \(starts))")
            }
        }
    }
    return 0
}

struct Collect: RecordVisitor {
    var records: [String] = []
    mutating func visit(_ r: RecordView) {
        records.append("\(r.offset)@\(r.line):" + (0..<r.count).map { "\(r.starts[$0])-\(r.ends[$0])/\(r.fieldFlags[$0].rawValue)" }.joined(separator: ","))
    }
}
