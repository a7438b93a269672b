import CSimdJSON
package import FalconerCore

/// Parses alert documents with simdjson's on-demand API (through the CSimdJSON bridge): the hot path.
/// Not thread-safe: one parser per thread. The parser owns one simdjson instance, freed on deinit.
package final class SimdJSONDocumentParser: AlertDocumentParser {
    private let parser: OpaquePointer
    /// The value being parsed and simdjson's padding after it, in memory of the parser's own: the entries of a parse
    /// point into it until the next parse.
    private var input: UnsafeMutablePointer<UInt8>
    private var inputCapacity = 0
    private let padding: Int
    /// Rule names and tags seen lately, by hash: a stream repeats a few dozen of them, and reusing the
    /// String saves an allocation and a copy for each one longer than 15 bytes.
    private var interned = [String?](repeating: nil, count: SimdJSONDocumentParser.internedSlots)
    private static let internedSlots = 256

    /// Makes a parser for documents up to `maxBytes`; nil if simdjson cannot allocate.
    package init?(maxBytes: Int) {
        guard let parser = fa_parser_create(maxBytes) else { return nil }
        self.parser = parser
        self.padding = fa_padding()
        inputCapacity = 4096 + padding
        input = .allocate(capacity: inputCapacity)
    }

    deinit {
        fa_parser_destroy(parser)
        input.deallocate()
    }

    /// Wraps `fa_parse`; copies every string out before returning (the entries point into `input` and simdjson's
    /// buffers, which the next parse reuses).
    package func parse(_ bytes: [UInt8], origin: String) throws(DecodeError) -> AlertDocument {
        if bytes.count + padding > inputCapacity {
            input.deallocate()
            inputCapacity = max(inputCapacity * 2, bytes.count + padding)
            input = .allocate(capacity: inputCapacity)
        }
        bytes.withUnsafeBufferPointer { source in
            if let start = source.baseAddress { input.update(from: start, count: source.count) }
        }
        (input + bytes.count).initialize(repeating: 0, count: padding)
        let result = UnsafeMutableRawPointer(input).withMemoryRebound(to: CChar.self, capacity: inputCapacity) {
            fa_parse(parser, $0, bytes.count)
        }
        guard result.error == 0 else {
            if result.error == -1 { throw DecodeError(reason: .notObject, origin: origin) }
            throw DecodeError(reason: .notJSON(String(cString: result.message)), origin: origin)
        }
        var document = AlertDocument()
        guard let entries = result.entries else { return document }
        func buffer(_ start: UnsafePointer<CChar>?, _ length: UInt32) -> UnsafeBufferPointer<UInt8> {
            guard let start, length > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
            return UnsafeBufferPointer(
                start: UnsafeRawPointer(start).assumingMemoryBound(to: UInt8.self), count: Int(length))
        }
        func text(_ start: UnsafePointer<CChar>?, _ length: UInt32) -> String {
            String(decoding: buffer(start, length), as: UTF8.self)
        }
        func value(_ entry: fa_entry) -> FieldValue? {
            switch Int32(entry.kind) {
            case Int32(FA_STRING.rawValue): .string(text(entry.value, entry.value_length))
            case Int32(FA_NUMBER.rawValue): .number(text(entry.value, entry.value_length))
            case Int32(FA_TRUE.rawValue): .bool(true)
            case Int32(FA_FALSE.rawValue): .bool(false)
            case Int32(FA_RAW.rawValue): .raw(text(entry.value, entry.value_length))
            default: nil
            }
        }
        // Fields first: whether any has a usable value decides whether `output` is kept.
        document.reserveFields(result.count)
        for index in 0..<result.count where Int32(entries[index].scope) == Int32(FA_SCOPE_FIELDS.rawValue) {
            let entry = entries[index]
            let name = buffer(entry.key, entry.key_length)
            if AlertDocument.needsTrimming(name) {
                document.addField(text(entry.key, entry.key_length), value(entry))
                continue
            }
            let isUnknown =
                Int32(entry.kind) == Int32(FA_NULL.rawValue)
                || (Int32(entry.kind) == Int32(FA_STRING.rawValue)
                    && Self.meansUnknown(buffer(entry.value, entry.value_length)))
            let hash = ByteHash.hash(name)
            // A known name is stored as its literal: no allocation.
            let known = KnownField.lookup(bytes: name, hash: hash)
            document.addField(
                name: known?.name ?? String(decoding: name, as: UTF8.self), known: known, hash: hash,
                value: isUnknown ? nil : value(entry))
        }
        let keepOutput = document.fields.isEmpty
        document.reserveTop(12)
        document.reserveTags(8)
        for index in 0..<result.count {
            let entry = entries[index]
            switch Int32(entry.scope) {
            case Int32(FA_SCOPE_FIELDS.rawValue):
                continue
            case Int32(FA_SCOPE_TAG.rawValue):
                if Int32(entry.kind) == Int32(FA_STRING.rawValue) {
                    let tag = intern(buffer(entry.value, entry.value_length))
                    if !AlertDocument.isBlank(tag) { document.addTag(text: tag) }
                } else {
                    document.addTag(value(entry))
                }
            default:
                let name = buffer(entry.key, entry.key_length)
                let member = AlertDocument.TopMember(name: name)
                let key = text(entry.key, entry.key_length)
                if member == .rule && Int32(entry.kind) == Int32(FA_STRING.rawValue) {
                    document.addTop(
                        key, member: member, .string(intern(buffer(entry.value, entry.value_length))))
                } else {
                    document.addTop(key, member: member, !keepOutput && member == .output ? nil : value(entry))
                }
            }
        }
        return document
    }

    /// The String for `bytes`: the one made for the same bytes last time when it is still in its slot.
    private func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count > 15, bytes.count <= 256 else { return String(decoding: bytes, as: UTF8.self) }
        let slot = Int(ByteHash.hash(bytes) % UInt32(Self.internedSlots))
        if var cached = interned[slot], cached.withUTF8({ ByteHash.equal($0, bytes) }) { return cached }
        let made = String(decoding: bytes, as: UTF8.self)
        interned[slot] = made
        return made
    }

    /// The texts that mean "unknown" (`FieldValue.meansUnknown`): empty, `<NA>`, `N/A`.
    private static func meansUnknown(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        switch value.count {
        case 0: true
        case 3: value[0] == UInt8(ascii: "N") && value[1] == UInt8(ascii: "/") && value[2] == UInt8(ascii: "A")
        case 4:
            value[0] == UInt8(ascii: "<") && value[1] == UInt8(ascii: "N") && value[2] == UInt8(ascii: "A")
                && value[3] == UInt8(ascii: ">")
        default: false
        }
    }
}
