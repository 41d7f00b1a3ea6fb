/// Fields written straight into room a `CSVWriter` reserved: the hot part of
/// a record whose worst case is known ahead (numbers, cells encoded once).
///
/// Through the writer, every field checks the buffer's room, reads and clears
/// its record-start flag and adds its length with an overflow check. Here a
/// field is its bytes and a delimiter at a moving pointer, nothing else: the
/// writer checked the room once (`CSVWriter.cursor(reserving:)`), and the
/// section's last delimiter is taken back when it is committed
/// (`CSVWriter.commit(_:)`). Between the two, nothing else may write to that
/// writer. Ten million ranked.csv rows of fourteen numbers each are written
/// this way.
public struct FieldCursor {
    /// Where the next field goes.
    @usableFromInline var p: UnsafeMutablePointer<UInt8>
    /// The end of the reserved room (checked in debug builds).
    @usableFromInline let end: UnsafeMutablePointer<UInt8>
    /// Where the section's first field went: the writer's end when the cursor was made.
    @usableFromInline let start: UnsafeMutablePointer<UInt8>
    @usableFromInline let delimiter: UInt8

    @inlinable
    init(start: UnsafeMutablePointer<UInt8>, room: Int, delimiter: UInt8) {
        self.start = start
        p = start
        end = start + room
        self.delimiter = delimiter
    }

    /// The most bytes one `decimal` field takes, its delimiter included.
    public static let decimalRoom = DecimalDigits.maxBytes + 1
    /// The most bytes one `int` or `digits` field takes, its delimiter included (`digits` past 8 digits: its count + 1).
    public static let intRoom = 21

    /// Ends a field of `n` bytes at `p`.
    @inlinable @inline(always)
    mutating func close(_ n: Int) {
        p[n] = delimiter
        p += n &+ 1
        assert(p <= end, "a FieldCursor wrote past the room reserved")
    }

    /// An integer field.
    @inlinable @inline(always)
    public mutating func int(_ value: Int) {
        close(DecimalDigits.write(value, to: p))
    }

    /// The last `count` decimal digits of `value`, leading zeros kept (needs
    /// max(8, count) + 1 bytes of room).
    @inlinable @inline(always)
    public mutating func digits(_ value: UInt64, count: Int) {
        DecimalDigits.writeDigitsPadded(value, count: count, to: p)
        close(count)
    }

    /// A number as `CSVWriter.field(decimal:places:)` writes it: rounded to
    /// `places` decimals with trailing zeros dropped, 1e15 or more as the
    /// shortest text that reads back, empty when not finite. A 0 (most of a
    /// report's scores) is written before anything else is asked.
    @inlinable @inline(always)
    public mutating func decimal(_ value: Double, places: Int) {
        if value == 0 {
            p[0] = UInt8(ascii: "0")
            return close(1)
        }
        let n = DecimalDigits.write(value, places: places, to: p)
        close(n > 0 || !value.isFinite ? n : DecimalDigits.writeShortest(value, to: p))
    }

    /// A cell already encoded for this dialect (`CSVWriter.encodedCell`): its bytes as they are.
    @inlinable @inline(always)
    public mutating func encoded(_ cell: UnsafeRawBufferPointer) {
        if let from = cell.baseAddress { ByteBuffer.copy(from, to: UnsafeMutableRawPointer(p), count: cell.count) }
        close(cell.count)
    }

    /// A static cell (ASCII that needs no quoting: lane names, flags, the empty field).
    @inlinable @inline(always)
    public mutating func `static`(_ cell: StaticString) {
        // Through withUTF8Buffer: a one-scalar static string may have no pointer to its bytes.
        let n = cell.withUTF8Buffer { b in
            if let from = b.baseAddress { ByteBuffer.copy(UnsafeRawPointer(from), to: UnsafeMutableRawPointer(p), count: b.count) }
            return b.count
        }
        close(n)
    }
}

extension CSVWriter {
    /// A cursor for the next fields of the record, with `room` bytes reserved
    /// for them (each field's bytes and one delimiter: see `FieldCursor`'s
    /// `…Room` constants). Write the fields through it, then `commit` it before
    /// anything else is written to this writer.
    @inlinable @inline(always)
    public mutating func cursor(reserving room: Int) -> FieldCursor {
        out.reserve(room &+ 1)
        let at = out.base + out.written
        guard !atRecordStart else { return FieldCursor(start: at, room: room, delimiter: dialect.delimiter) }
        // Mid-record: the delimiter before the section's first field.
        at[0] = dialect.delimiter
        return FieldCursor(start: at + 1, room: room, delimiter: dialect.delimiter)
    }

    /// Takes the fields `c` wrote (at least one) into the record.
    @inlinable @inline(always)
    public mutating func commit(_ c: FieldCursor) {
        precondition(c.p > c.start, "a FieldCursor committed without a field")
        assert(c.start == out.base + out.written + (atRecordStart ? 0 : 1), "the writer was written to while a FieldCursor was open")
        // Every field ended with a delimiter; the section's last one is the next field's to write.
        out.written = c.p - out.base - 1
        atRecordStart = false
    }
}
