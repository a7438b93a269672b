/// A parsed alert document, flattened: top-level members, the `output_fields` values and the tags. Parsers
/// (simdjson in production, plain Swift in tests) produce it; `FalcoAlertDecoder` reads it.
///
/// Field values and tags are normalised as they are added, so every parser treats them alike and no intermediate
/// list is built: names are trimmed of stray spaces, a value meaning "unknown" (`null`, `""`, `"<NA>"`, `"N/A"`)
/// records its name in `unknownFields`, and blank tags are dropped. The top-level `output` text is kept only when no
/// field carries a usable value (`fields` is empty): it is needed then, to recover field values with a rule's output format, and
/// otherwise it would be the longest text copied for nothing.
package struct AlertDocument: Sendable, Equatable {
    /// The top-level members other than `output_fields` and `tags`, with what the decoder reads each as.
    package private(set) var top: [(key: String, member: TopMember, value: FieldValue?)] = []
    /// The usable field values, by trimmed name, in arrival order.
    package private(set) var fields = FieldTable()
    /// Fields that arrived with a value meaning "unknown", by trimmed name, in arrival order.
    package private(set) var unknownFields: [String] = []
    /// The tags, blank ones removed.
    package private(set) var tags: [String] = []

    package init() {}

    package mutating func reserveFields(_ count: Int) { fields.reserveCapacity(count) }

    /// The top-level members the decoder reads, by their name trimmed of stray spaces.
    package enum TopMember: Sendable, Equatable {
        case rule, priority, time, source, hostname, output, uuid, other

        /// The member a name's UTF-8 bytes (before any trimming) stand for.
        package init(name bytes: UnsafeBufferPointer<UInt8>) {
            if AlertDocument.needsTrimming(bytes) {
                var trimmed = String(decoding: bytes, as: UTF8.self).trimmingSpaces
                self = trimmed.withUTF8 { TopMember(trimmed: $0) }
            } else {
                self = TopMember(trimmed: bytes)
            }
        }

        private init(trimmed bytes: UnsafeBufferPointer<UInt8>) {
            func named(_ word: StaticString) -> Bool {
                word.withUTF8Buffer { ByteHash.equal($0, bytes) }
            }
            switch bytes.count {
            case 4: self = named("rule") ? .rule : named("time") ? .time : named("uuid") ? .uuid : .other
            case 6: self = named("source") ? .source : named("output") ? .output : .other
            case 8: self = named("priority") ? .priority : named("hostname") ? .hostname : .other
            default: self = .other
            }
        }
    }

    /// Adds a top-level member as it arrived.
    package mutating func addTop(_ name: String, _ value: FieldValue?) {
        var name = name
        let member = name.withUTF8 { TopMember(name: $0) }
        top.append((name, member, value))
    }

    /// Adds a top-level member whose `TopMember` the parser worked out from its bytes.
    package mutating func addTop(_ name: String, member: TopMember, _ value: FieldValue?) {
        top.append((name, member, value))
    }

    /// Drops the `output` text (see the type's comment).
    package mutating func dropOutputText() {
        for index in top.indices where top[index].member == .output { top[index].value = nil }
    }

    package mutating func reserveTop(_ count: Int) { top.reserveCapacity(count) }

    /// Adds one `output_fields` member as it arrived.
    package mutating func addField(_ rawName: String, _ value: FieldValue?) {
        let name = Self.trimmed(rawName)
        guard !name.isEmpty else { return }
        guard let value, !value.meansUnknown else {
            unknownFields.append(name)
            return
        }
        fields.insert(value, for: name)
    }

    /// Adds one `output_fields` member whose name needs no trimming (`needsTrimming` is false for it) and whose
    /// hash (`ByteHash`) and `KnownField` the parser already worked out; `value` is nil when it means "unknown".
    package mutating func addField(name: String, known: KnownField?, hash: UInt32, value: FieldValue?) {
        guard !name.isEmpty else { return }
        guard let value else {
            unknownFields.append(name)
            return
        }
        fields.insert(value, for: name, known: known, hash: hash)
    }

    /// Adds one element of `tags`; blank tags are dropped.
    package mutating func addTag(_ value: FieldValue?) {
        guard let text = value?.text, !Self.isBlank(text) else { return }
        tags.append(text)
    }

    /// Adds one tag text that is not blank (`isBlank` is false for it).
    package mutating func addTag(text: String) { tags.append(text) }

    package mutating func reserveTags(_ count: Int) { tags.reserveCapacity(count) }

    /// True when a field name has a space or tab at either end, so `addField(_:_:)` would trim it.
    package static func needsTrimming(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        return first == 0x20 || last == 0x20 || first == 0x09 || last == 0x09
    }

    /// True for an empty or all-whitespace tag (the usual tag starts with a letter, so this rarely trims).
    package static func isBlank(_ text: String) -> Bool {
        if let first = text.utf8.first, first > 0x20 && first < 0x7F { return false }
        return text.trimmingSpaces.isEmpty
    }

    /// A key with stray spaces or tabs at either end trimmed of all surrounding whitespace.
    package static func trimmed(_ key: String) -> String {
        var key = key
        let needsTrim = key.withUTF8 { needsTrimming($0) }
        return needsTrim ? key.trimmingSpaces : key
    }

    package static func == (lhs: AlertDocument, rhs: AlertDocument) -> Bool {
        lhs.top.map(\.key) == rhs.top.map(\.key) && lhs.top.map(\.member) == rhs.top.map(\.member)
            && lhs.top.map(\.value) == rhs.top.map(\.value)
            && lhs.fields == rhs.fields && lhs.unknownFields == rhs.unknownFields && lhs.tags == rhs.tags
    }
}

/// Turns the bytes of one JSON value into an `AlertDocument`.
package protocol AlertDocumentParser {
    /// Parses `bytes`; `origin` names the place for errors (`alerts.jsonl:17`).
    mutating func parse(_ bytes: [UInt8], origin: String) throws(DecodeError) -> AlertDocument
}
