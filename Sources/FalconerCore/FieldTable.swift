/// An alert's known field values in the order they arrived, looked up by name.
///
/// Every analysis step asks for fields by name, dozens of times per alert. A `Dictionary` hashes each name with
/// Swift's per-process seeded SipHash, which cost about a tenth of the CPU of a report. This table hashes names
/// with `ByteHash` (a few nanoseconds for a field name) and, for the usual few dozen fields, scans the stored hashes;
/// past `indexThreshold` fields an open-addressing index keeps lookups constant-time, so a hostile alert with
/// thousands of fields stays cheap.
package struct FieldTable: Sendable, Sequence {
    private struct Entry: Sendable {
        let name: String
        var value: FieldValue
        let hash: UInt32
        /// The `KnownField` index of the name, or -1.
        let known: Int16
    }

    private var entries: [Entry] = []
    /// Entry index + 1 of each `KnownField` the alert carries (0 = absent), one byte each; made with the first known
    /// field. An array rather than inline storage: the compiler copied a table with its slots inline (184 bytes) for
    /// every lookup.
    private var known: [UInt8] = []
    /// Set when an entry's index was too large for a slot (an alert with 255 fields or more): known fields are then
    /// also looked up by name.
    private var knownOverflow = false
    /// Entry index + 1 per slot (0 = empty); built only once the table outgrows a scan. Its count is a power of two.
    private var slots: [Int32] = []
    private static let indexThreshold = 24

    package init() {}

    /// A table of `fields` in `order` (names missing from `fields` are ignored), or sorted by name.
    package init(_ fields: [String: FieldValue], order: [String]? = nil) {
        entries.reserveCapacity(fields.count)
        for name in order ?? fields.keys.sorted() {
            if let value = fields[name] { insert(value, for: name) }
        }
    }

    package var isEmpty: Bool { entries.isEmpty }
    package var count: Int { entries.count }
    /// The field names, in arrival order.
    package var names: [String] { entries.map(\.name) }

    package mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

    /// The value of a known field: one array read.
    package subscript(field: KnownField) -> FieldValue? {
        let slot = known.isEmpty ? 0 : Int(known[field.index])
        if slot != 0 { return entries[slot - 1].value }
        return knownOverflow ? index(of: field.name, hash: Self.hash(field.name)).map { entries[$0].value } : nil
    }

    package subscript(name: String) -> FieldValue? {
        get { index(of: name, hash: Self.hash(name)).map { entries[$0].value } }
        set {
            guard let newValue else {
                remove(name)
                return
            }
            insert(newValue, for: name)
        }
    }

    /// Sets `value` for `name`: a new name goes last, a known one keeps its place. Returns true for a new name.
    @discardableResult
    package mutating func insert(_ value: FieldValue, for name: String) -> Bool {
        let hash = Self.hash(name)
        return insert(value, for: name, known: KnownField.lookup(name, hash: hash), hash: hash)
    }

    /// `insert(_:for:)` for a decoder that already has the name's `hash` and `KnownField`.
    @discardableResult
    package mutating func insert(_ value: FieldValue, for name: String, known field: KnownField?, hash: UInt32) -> Bool
    {
        // A known field is present exactly when its slot is set (unless slots overflowed), so no search is needed.
        if let field, !knownOverflow {
            let slot = known.isEmpty ? 0 : Int(known[field.index])
            if slot != 0 {
                entries[slot - 1].value = value
                return false
            }
        } else if let index = index(of: name, hash: hash) {
            entries[index].value = value
            return false
        }
        if let field {
            // The literal name: never allocated, never reference-counted.
            entries.append(Entry(name: field.name, value: value, hash: hash, known: Int16(field.index)))
            if known.isEmpty { known = [UInt8](repeating: 0, count: KnownField.count) }
            if entries.count < Int(UInt8.max) {
                known[field.index] = UInt8(entries.count)
            } else {
                knownOverflow = true
            }
        } else {
            entries.append(Entry(name: name, value: value, hash: hash, known: -1))
        }
        if entries.count > Self.indexThreshold {
            if slots.count < entries.count * 2 {
                rebuildIndex()
            } else {
                place(entries.count - 1)
            }
        }
        return true
    }

    private mutating func remove(_ name: String) {
        guard let index = index(of: name, hash: Self.hash(name)) else { return }
        entries.remove(at: index)
        known = [UInt8](repeating: 0, count: KnownField.count)
        for position in entries.indices where entries[position].known >= 0 {
            if position + 1 < Int(UInt8.max) {
                known[Int(entries[position].known)] = UInt8(position + 1)
            } else {
                knownOverflow = true
            }
        }
        slots = []
        if entries.count > Self.indexThreshold { rebuildIndex() }
    }

    package func makeIterator() -> AnyIterator<(name: String, value: FieldValue)> {
        var position = 0
        return AnyIterator {
            guard position < entries.count else { return nil }
            defer { position += 1 }
            return (entries[position].name, entries[position].value)
        }
    }

    /// Writes the table as a JSON object's members (keys and typed values), in arrival order. Here rather than in
    /// the renderer, so each entry is read where it is stored instead of being copied out (and reference-counted).
    package func writeMembers(to json: inout JSONWriter) {
        entries.withUnsafeBufferPointer { entries in
            for index in entries.indices {
                if entries[index].known >= 0 {
                    json.key(rendered: KnownField.jsonKey(Int(entries[index].known)))
                } else {
                    json.key(dynamic: entries[index].name)
                }
                switch entries[index].value {
                case .string(let text), .raw(let text): json.string(text)
                case .number(let text): json.number(text: text)
                case .bool(let flag): json.bool(flag)
                }
            }
        }
    }

    /// Adds every member to `hash` as `name=value`, each ending a part (`FNV1a.endPart`), in arrival order: the
    /// member ids of incidents. Read in place, like `writeMembers`.
    package func hashMembers(into hash: inout FNV1a) {
        entries.withUnsafeBufferPointer { entries in
            for index in entries.indices {
                hash.addBytes(of: entries[index].name)
                hash.addByte(UInt8(ascii: "="))
                hash.addBytes(of: entries[index].value.text)
                hash.endPart()
            }
        }
    }

    private func index(of name: String, hash: UInt32) -> Int? {
        if slots.isEmpty {
            for index in entries.indices where entries[index].hash == hash && entries[index].name == name {
                return index
            }
            return nil
        }
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while true {
            let stored = Int(slots[slot])
            if stored == 0 { return nil }
            let index = stored - 1
            if entries[index].hash == hash && entries[index].name == name { return index }
            slot = (slot + 1) & mask
        }
    }

    private mutating func rebuildIndex() {
        var size = 64
        while size < entries.count * 4 { size *= 2 }
        slots = Array(repeating: 0, count: size)
        for index in entries.indices { place(index) }
    }

    private mutating func place(_ index: Int) {
        let mask = slots.count - 1
        var slot = Int(entries[index].hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index + 1)
    }

    /// The seeded hash of the name's UTF-8 bytes (`ByteHash`).
    @inline(__always)
    static func hash(_ name: String) -> UInt32 { ByteHash.hash(name) }
}

extension FieldTable: Equatable {
    package static func == (lhs: FieldTable, rhs: FieldTable) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

extension FieldTable: ExpressibleByDictionaryLiteral {
    /// A table in the literal's order.
    package init(dictionaryLiteral elements: (String, FieldValue)...) {
        for (name, value) in elements { insert(value, for: name) }
    }
}
