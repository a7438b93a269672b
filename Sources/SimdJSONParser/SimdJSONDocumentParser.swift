import CSimdJSON
package import FalconerCore

/// Parses alert documents with simdjson's on-demand API (through the CSimdJSON bridge): the hot path.
/// Not thread-safe: one parser per thread. The parser owns one simdjson instance, freed on deinit.
package final class SimdJSONDocumentParser: AlertDocumentParser {
    private let parser: OpaquePointer
    private var padded: [UInt8] = []
    private let padding: Int

    /// Makes a parser for documents up to `maxBytes`; nil if simdjson cannot allocate.
    package init?(maxBytes: Int) {
        guard let parser = fa_parser_create(maxBytes) else { return nil }
        self.parser = parser
        self.padding = fa_padding()
    }

    deinit { fa_parser_destroy(parser) }

    /// Wraps `fa_parse`; copies every string out before returning (simdjson's views die on the next parse).
    package func parse(_ bytes: [UInt8], origin: String) throws(DecodeError) -> AlertDocument {
        padded.removeAll(keepingCapacity: true)
        padded.append(contentsOf: bytes)
        padded.append(contentsOf: repeatElement(0, count: padding))
        let result = padded.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { fa_parse(parser, $0.baseAddress, bytes.count) }
        }
        guard result.error == 0 else {
            if result.error == -1 { throw DecodeError(reason: .notObject, origin: origin) }
            throw DecodeError(reason: .notJSON(String(cString: result.message)), origin: origin)
        }
        var document = AlertDocument()
        guard let entries = result.entries, let arena = result.arena else { return document }
        let base = UnsafeRawPointer(arena).assumingMemoryBound(to: UInt8.self)
        func text(_ offset: UInt32, _ length: UInt32) -> String {
            String(decoding: UnsafeBufferPointer(start: base + Int(offset), count: Int(length)), as: UTF8.self)
        }
        /// A field name: the literal of a known field (no allocation), else a new String.
        func key(_ offset: UInt32, _ length: UInt32) -> String {
            let bytes = UnsafeBufferPointer(start: base + Int(offset), count: Int(length))
            return KnownField.lookup(bytes: bytes)?.name ?? String(decoding: bytes, as: UTF8.self)
        }
        document.fields.reserveCapacity(result.count)
        document.top.reserveCapacity(12)
        document.tags.reserveCapacity(8)
        // `output` is only read for alerts without field values (to recover them with a rule's output format), and
        // it is the longest text in an alert: leave it out when a field has a usable value.
        var hasFieldValue = false
        for index in 0..<result.count where Int32(entries[index].scope) == Int32(FA_SCOPE_FIELDS.rawValue) {
            let entry = entries[index]
            if Int32(entry.kind) == Int32(FA_STRING.rawValue) {
                let value = UnsafeBufferPointer(start: base + Int(entry.value_offset), count: Int(entry.value_length))
                if !Self.meansUnknown(value) {
                    hasFieldValue = true
                    break
                }
            } else if Int32(entry.kind) != Int32(FA_NULL.rawValue) {
                hasFieldValue = true
                break
            }
        }
        for index in 0..<result.count {
            let entry = entries[index]
            func value() -> FieldValue? {
                switch Int32(entry.kind) {
                case Int32(FA_STRING.rawValue): .string(text(entry.value_offset, entry.value_length))
                case Int32(FA_NUMBER.rawValue): .number(text(entry.value_offset, entry.value_length))
                case Int32(FA_TRUE.rawValue): .bool(true)
                case Int32(FA_FALSE.rawValue): .bool(false)
                case Int32(FA_RAW.rawValue): .raw(text(entry.value_offset, entry.value_length))
                default: nil
                }
            }
            switch Int32(entry.scope) {
            case Int32(FA_SCOPE_FIELDS.rawValue):
                document.hasFieldsObject = true
                document.fields.append((key(entry.key_offset, entry.key_length), value()))
            case Int32(FA_SCOPE_TAG.rawValue):
                document.tags.append(value())
            default:
                let name = text(entry.key_offset, entry.key_length)
                document.top.append((name, hasFieldValue && name == "output" ? nil : value()))
            }
        }
        return document
    }

    /// The texts that mean "unknown" (`FieldValue.meansUnknown`): empty, `<NA>`, `N/A`.
    private static func meansUnknown(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        value.isEmpty || value.elementsEqual("<NA>".utf8) || value.elementsEqual("N/A".utf8)
    }
}
