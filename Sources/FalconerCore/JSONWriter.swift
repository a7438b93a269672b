import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Writes compact JSON into a byte buffer; strings are escaped per RFC 8259 (plus U+2028/2029 for JavaScript).
/// Built for the hot path: no intermediate Strings, no Foundation, and its own buffer rather than an Array, whose
/// every append checks uniqueness and capacity. Not copyable: the buffer has one owner and is freed with it.
package struct JSONWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// One bit per open container, innermost lowest: set when the next value needs a comma before it. Deeper
    /// nesting than 64 levels spills into `deeper`.
    private var commas: UInt64 = 0
    private var depth = 0
    private var deeper: [UInt64] = []

    package init(capacity: Int = 4096) {
        self.capacity = max(capacity, 64)
        base = ByteMemory.allocate(self.capacity)
    }

    /// False once `finishBlock` handed the buffer to a block.
    private var ownsBuffer = true

    deinit { if ownsBuffer { ReportBufferPool.release(base, capacity: capacity, to: pool) } }

    /// The bytes written so far.
    package var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// A writer for one report, in a buffer of `ReportBufferPool.size` bytes reused from reports already written
    /// out; the buffer goes back to `pool` when the writer or the block it becomes is released.
    package static func forReport(from pool: ReportBufferPool) -> JSONWriter {
        JSONWriter(buffer: pool.take(), size: ReportBufferPool.size, pool: pool)
    }

    private init(buffer: UnsafeMutablePointer<UInt8>, size: Int, pool: ReportBufferPool) {
        base = buffer
        capacity = size
        self.pool = pool
    }

    /// Where the buffer goes back to, for a report writer.
    private var pool: ReportBufferPool?

    /// Hands the bytes written over as a block, without copying them.
    package consuming func finishBlock() -> ByteBlock {
        ownsBuffer = false
        return ByteBlock(adopting: base, count: count, capacity: capacity, pool: pool)
    }

    /// Hands the bytes written over as memory the caller now owns and must release with `ByteMemory.free` (its
    /// capacity may be larger).
    package consuming func finishBuffer() -> UnsafeMutableBufferPointer<UInt8> {
        ownsBuffer = false
        return UnsafeMutableBufferPointer(start: base, count: count)
    }

    /// Appends the bytes written so far to `out`.
    package func append(to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(extra) }
    }

    private mutating func grow(_ extra: Int) {
        let newCapacity = max(capacity * 2, count + extra)
        base = ByteMemory.reallocate(base, newCapacity)
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func put(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let source = buffer.baseAddress, buffer.count > 0 else { return }
        reserve(buffer.count)
        Self.copy(source, to: base + count, count: buffer.count)
        count += buffer.count
    }

    /// Copies `count` bytes; up to 16 with a pair of overlapping loads and stores rather than a call to `memcpy`
    /// (most pieces of a report are keys and short values).
    @inline(__always)
    private static func copy(_ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        if count >= 8 && count <= 16 {
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 && count < 8 {
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        } else if count < 4 {
            for offset in 0..<count { target[offset] = source[offset] }
        } else {
            target.update(from: source, count: count)
        }
    }

    private mutating func put(_ array: [UInt8]) { array.withUnsafeBufferPointer { put($0) } }

    /// Where the writer is: `rollback(to:)` returns to it, dropping what was written since.
    package struct Mark {
        fileprivate let count: Int
        fileprivate let commas: UInt64
        fileprivate let depth: Int
    }

    package var mark: Mark { Mark(count: count, commas: commas, depth: depth) }
    /// The number of bytes written so far.
    package var byteCount: Int { count }

    /// Drops everything written since `mark` (within the same or a deeper container).
    package mutating func rollback(to mark: Mark) {
        precondition(mark.depth == depth && mark.count <= count, "rollback across containers")
        count = mark.count
        commas = mark.commas
    }

    /// Ends a JSON line.
    package mutating func newline() { put(0x0A) }

    /// Starts a value whose bytes the caller appends with `appendRaw` (a pre-rendered piece).
    package mutating func beginRawValue() { separator() }

    /// Appends bytes as they are: pre-rendered JSON, after `beginRawValue`.
    package mutating func appendRaw(_ bytes: UnsafeBufferPointer<UInt8>) { put(bytes) }
    package mutating func appendRaw(_ bytes: [UInt8]) { put(bytes) }

    /// True when the bytes written at `lhs` and `rhs` are equal.
    package func bytesEqual(_ lhs: Range<Int>, _ rhs: Range<Int>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for offset in 0..<lhs.count where base[lhs.lowerBound + offset] != base[rhs.lowerBound + offset] {
            return false
        }
        return true
    }

    @inline(__always)
    private mutating func separator() {
        if commas & 1 != 0 { put(UInt8(ascii: ",")) }
        commas |= 1
    }

    private mutating func open() {
        if depth >= 63 { deeper.append(commas) }
        commas = depth >= 63 ? 0 : commas << 1
        depth += 1
    }

    private mutating func close() {
        depth -= 1
        commas = depth >= 63 ? deeper.removeLast() : commas >> 1
    }

    package mutating func beginObject() {
        separator()
        put(UInt8(ascii: "{"))
        open()
    }

    package mutating func endObject() {
        close()
        put(UInt8(ascii: "}"))
    }

    package mutating func beginArray() {
        separator()
        put(UInt8(ascii: "["))
        open()
    }

    package mutating func endArray() {
        close()
        put(UInt8(ascii: "]"))
    }

    /// Writes a key; the next write is its value.
    @inline(__always)
    package mutating func key(_ name: StaticString) {
        separator()
        // A one-character literal may be held as a scalar rather than as bytes.
        guard name.hasPointerRepresentation else {
            name.withUTF8Buffer { name in
                put(UInt8(ascii: "\""))
                put(name)
                put(UInt8(ascii: "\""))
                put(UInt8(ascii: ":"))
            }
            commas &= ~1
            return
        }
        let length = name.utf8CodeUnitCount
        reserve(length + 3)
        base[count] = UInt8(ascii: "\"")
        Self.copy(name.utf8Start, to: base + count + 1, count: length)
        base[count + length + 1] = UInt8(ascii: "\"")
        base[count + length + 2] = UInt8(ascii: ":")
        count += length + 3
        commas &= ~1
    }

    /// Writes a key already rendered as JSON, colon included (`KnownField.jsonKey`).
    package mutating func key(rendered: UnsafeBufferPointer<UInt8>) {
        separator()
        put(rendered)
        commas &= ~1
    }

    /// Writes a key from dynamic text (escaped).
    package mutating func key(dynamic name: String) {
        separator()
        appendEscaped(name)
        put(UInt8(ascii: ":"))
        commas &= ~1
    }

    package mutating func string(_ value: String) {
        separator()
        appendEscaped(value)
    }

    /// Writes UTF-8 bytes (a filled command) as a JSON string.
    package mutating func string(utf8 value: UnsafeBufferPointer<UInt8>) {
        separator()
        appendEscaped(value)
    }

    package mutating func string(utf8 value: UnsafeBufferPointer<UInt8>?) {
        if let value { string(utf8: value) } else { null() }
    }

    package mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    package mutating func int(_ value: Int64?) {
        guard let value else { return null() }
        separator()
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var length = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - length] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
                magnitude /= 10
                length += 1
            } while magnitude != 0
            if value < 0 {
                buffer[23 - length] = UInt8(ascii: "-")
                length += 1
            }
            put(UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[(24 - length)...]))
        }
    }

    package mutating func int(_ value: Int) { int(Int64(value)) }

    package mutating func bool(_ value: Bool?) {
        guard let value else { return null() }
        separator()
        let word: StaticString = value ? "true" : "false"
        word.withUTF8Buffer { put($0) }
    }

    package mutating func null() {
        separator()
        let word: StaticString = "null"
        word.withUTF8Buffer { put($0) }
    }

    /// Writes a number from its source text, or a string when the text is not a valid JSON number or is out of the
    /// range every JSON reader can hold (`1e999`).
    package mutating func number(text: String) {
        var text = text
        let shape = text.withUTF8 { Self.numberShape($0) }
        // Without an exponent, fewer than 300 digits cannot reach a Double's range: only the rest is parsed.
        guard shape != .notNumber, shape == .plain || Double(text)?.isFinite == true else { return string(text) }
        separator()
        text.withUTF8 { put($0) }
    }

    /// Writes a field value with its JSON type.
    package mutating func value(_ value: FieldValue) {
        switch value {
        case .string(let text), .raw(let text): string(text)
        case .number(let text): number(text: text)
        case .bool(let flag): bool(flag)
        }
    }

    /// Writes a value already serialised as JSON (e.g. a report rendered on another thread).
    package mutating func raw(_ value: [UInt8]) {
        separator()
        put(value)
    }

    /// Writes knowledge prose whose JSON form was computed at load.
    package mutating func text(_ value: Text) {
        separator()
        value.withJSON { put($0) }
    }

    package mutating func text(_ value: Text?) {
        if let value { text(value) } else { null() }
    }

    package mutating func texts(_ values: [Text]) {
        beginArray()
        values.withUnsafeBufferPointer { values in
            for index in values.indices { text(values[index]) }
        }
        endArray()
    }

    package mutating func strings(_ values: [String]) {
        beginArray()
        values.withUnsafeBufferPointer { values in
            for index in values.indices { string(values[index]) }
        }
        endArray()
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

    private mutating func putEscape(_ letter: UInt8) {
        reserve(2)
        base[count] = 0x5C
        base[count + 1] = letter
        count += 2
    }

    private mutating func appendEscaped(_ text: String) {
        var text = text
        text.withUTF8 { appendEscaped($0) }
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        put(UInt8(ascii: "\""))
        appendEscapedContent(utf8)
        put(UInt8(ascii: "\""))
    }

    /// Appends `utf8` escaped as the inside of a JSON string, without quotes (for pre-rendered string pieces).
    /// Finds each byte that may need escaping eight bytes at a time (the lowest flagged byte of a word is exact, and
    /// a short tail is tested padded with spaces), and copies the stretches between them whole.
    package mutating func appendEscapedContent(_ utf8: UnsafeBufferPointer<UInt8>) {
        guard let source = utf8.baseAddress else { return }
        let length = utf8.count
        var runStart = 0
        var index = 0
        while index < length {
            var found = length
            while index + 8 <= length {
                let flags = Self.escapeFlags(UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self))
                if flags != 0 {
                    found = index + flags.trailingZeroBitCount >> 3
                    break
                }
                index += 8
            }
            if found == length, index < length {
                var word: UInt64 = 0x2020_2020_2020_2020
                withUnsafeMutableBytes(of: &word) { padded in
                    padded.baseAddress?.copyMemory(from: source + index, byteCount: length - index)
                }
                let flags = Self.escapeFlags(UInt64(littleEndian: word))
                if flags != 0 { found = index + flags.trailingZeroBitCount >> 3 }
            }
            guard found < length else { break }
            index = found
            let byte = source[index]
            if byte == 0xE2 {
                if index + 2 < length, source[index + 1] == 0x80, source[index + 2] == 0xA8 || source[index + 2] == 0xA9
                {
                    put(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                    let escape: StaticString = source[index + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                    escape.withUTF8Buffer { put($0) }
                    index += 3
                    runStart = index
                } else {
                    index += 1
                }
                continue
            }
            put(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            switch byte {
            case 0x22: putEscape(0x22)
            case 0x5C: putEscape(0x5C)
            case 0x0A: putEscape(UInt8(ascii: "n"))
            case 0x0D: putEscape(UInt8(ascii: "r"))
            case 0x09: putEscape(UInt8(ascii: "t"))
            default:
                reserve(6)
                base[count] = 0x5C
                base[count + 1] = UInt8(ascii: "u")
                base[count + 2] = 0x30
                base[count + 3] = 0x30
                base[count + 4] = Self.hexDigit(byte >> 4)
                base[count + 5] = Self.hexDigit(byte & 0xF)
                count += 6
            }
            index += 1
            runStart = index
        }
        put(UnsafeBufferPointer(rebasing: utf8[runStart..<length]))
    }

    /// A high bit in each byte of `word` (read little-endian) that is a control character (< 0x20), `"`, `\\` or
    /// 0xE2 (the lead byte of U+2028/U+2029); the lowest one set is exact (bits above it may be false alarms from the
    /// borrow). Classic SWAR tests: `(x - 0x01…) & ~x & 0x80…` finds a zero byte, applied to `word ^ c`.
    @inline(__always)
    private static func escapeFlags(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func zeros(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        // Bytes below 0x20, ignoring bytes >= 0x80 (their high bit is masked out by `~word`).
        let control = (word &- ones &* 0x20) & ~word & highs
        return control | zeros(word ^ (ones &* 0x22)) | zeros(word ^ (ones &* 0x5C)) | zeros(word ^ (ones &* 0xE2))
    }

    enum NumberShape { case notNumber, plain, large }

    /// Whether `utf8` follows RFC 8259's number grammar, and if so whether it is `plain` (no exponent and fewer than
    /// 300 bytes, so always within a Double's range) or may be `large`.
    static func numberShape(_ utf8: UnsafeBufferPointer<UInt8>) -> NumberShape {
        var index = 0
        let count = utf8.count
        func isDigit(_ index: Int) -> Bool { index < count && utf8[index] >= 48 && utf8[index] <= 57 }
        if index < count, utf8[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(index) else { return .notNumber }
        if utf8[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while isDigit(index) { index += 1 }
        }
        if index < count, utf8[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else { return .notNumber }
            while isDigit(index) { index += 1 }
        }
        var exponent = false
        if index < count, utf8[index] == UInt8(ascii: "e") || utf8[index] == UInt8(ascii: "E") {
            exponent = true
            index += 1
            if index < count, utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { return .notNumber }
            while isDigit(index) { index += 1 }
        }
        guard index == count else { return .notNumber }
        return exponent || count >= 300 ? .large : .plain
    }
}

/// Bytes in memory of their own, handed from the writer that made them to the code that writes them out, so a report
/// is never copied between being rendered and reaching its file descriptor. Immutable once made.
// SAFETY: the memory is written only before the block exists (by the JSONWriter that adopted it out) and only read
// afterwards, and it is freed once, when the last reference goes.
package final class ByteBlock: @unchecked Sendable {
    private let base: UnsafeMutablePointer<UInt8>
    package let count: Int
    /// The size of the memory at `base`, and the pool a report buffer goes back to.
    private let capacity: Int
    private let pool: ReportBufferPool?

    init(adopting base: UnsafeMutablePointer<UInt8>, count: Int, capacity: Int, pool: ReportBufferPool? = nil) {
        self.base = base
        self.count = count
        self.capacity = capacity
        self.pool = pool
    }

    /// A block holding a copy of `bytes`.
    package convenience init(copying bytes: [UInt8]) {
        let base = ByteMemory.allocate(max(1, bytes.count))
        bytes.withUnsafeBufferPointer { if let source = $0.baseAddress { base.update(from: source, count: $0.count) } }
        self.init(adopting: base, count: bytes.count, capacity: max(1, bytes.count))
    }

    deinit { ReportBufferPool.release(base, capacity: capacity, to: pool) }

    /// The bytes, valid only while the block is alive: keep it alive (`withExtendedLifetime`) while using them.
    package var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    package var bytes: [UInt8] { withExtendedLifetime(self) { Array(buffer) } }
}

/// Byte buffers straight from the C allocator. `UnsafeMutablePointer.allocate` goes through the runtime's aligned
/// allocation path (`posix_memalign`), which cost about three times a `malloc` for the buffer of every report.
/// Memory from here is released only with `free`.
enum ByteMemory {
    static func allocate(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        guard let raw = malloc(max(1, count)) else { fatalError("out of memory allocating \(count) bytes") }
        return raw.assumingMemoryBound(to: UInt8.self)
    }

    static func reallocate(_ base: UnsafeMutablePointer<UInt8>, _ count: Int) -> UnsafeMutablePointer<UInt8> {
        guard let raw = realloc(base, max(1, count)) else { fatalError("out of memory allocating \(count) bytes") }
        return raw.assumingMemoryBound(to: UInt8.self)
    }

    static func free(_ base: UnsafeMutablePointer<UInt8>) { Glibc.free(base) }
}

/// Buffers for report lines, handed back when a report has been written out and reused for the next one. A batch
/// holds about a thousand reports of 8 to 12 KB between being analysed and written, more than jemalloc's thread caches
/// keep of that size, so about half the buffers took its slow path (some 3,000 instructions each). At most `limit`
/// buffers wait here, about one batch; one of any other size is freed. Each analyzer (one per lane) has its own pool.
package final class ReportBufferPool: Sendable {
    /// Room for a typical report (about 8 KB) without growing.
    static let size = 12_288
    private static let limit = 1024

    // SAFETY: the addresses are of buffers no one else holds: a buffer is either here or owned by one writer or block.
    private struct Address: @unchecked Sendable { let pointer: UnsafeMutablePointer<UInt8> }
    private let buffers = Mutex<[Address]>([])

    package init() {}

    deinit { buffers.withLock { for buffer in $0 { ByteMemory.free(buffer.pointer) } } }

    func take() -> UnsafeMutablePointer<UInt8> {
        if let reused = buffers.withLock({ $0.popLast() }) { return reused.pointer }
        return ByteMemory.allocate(Self.size)
    }

    /// Takes back a buffer from a writer or block: into `pool` when it is a report buffer and the pool has room,
    /// else it is freed.
    static func release(_ base: UnsafeMutablePointer<UInt8>, capacity: Int, to pool: ReportBufferPool?) {
        if let pool, capacity == size {
            let kept = pool.buffers.withLock { buffers in
                guard buffers.count < limit else { return false }
                buffers.append(Address(pointer: base))
                return true
            }
            if kept { return }
        }
        ByteMemory.free(base)
    }
}
