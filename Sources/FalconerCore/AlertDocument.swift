/// A parsed alert document, flattened: top-level members, `output_fields` members and tags, each with its value or
/// nil for JSON null. Parsers (simdjson in production, plain Swift in tests) produce it; `FalcoAlertDecoder` reads
/// it. The top-level `output` text is kept only when no field carries a usable value: it is needed then, to recover
/// field values with a rule's output format, and otherwise it would be the longest text copied for nothing.
package struct AlertDocument: Sendable, Equatable {
    package var top: [(key: String, value: FieldValue?)] = []
    package var fields: [(key: String, value: FieldValue?)] = []
    package var tags: [FieldValue?] = []
    package var hasFieldsObject = false

    package init() {}

    package static func == (lhs: AlertDocument, rhs: AlertDocument) -> Bool {
        lhs.top.map(\.key) == rhs.top.map(\.key) && lhs.top.map(\.value) == rhs.top.map(\.value)
            && lhs.fields.map(\.key) == rhs.fields.map(\.key) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
            && lhs.tags == rhs.tags
    }
}

/// Turns the bytes of one JSON value into an `AlertDocument`.
package protocol AlertDocumentParser {
    /// Parses `bytes`; `origin` names the place for errors (`alerts.jsonl:17`).
    mutating func parse(_ bytes: [UInt8], origin: String) throws(DecodeError) -> AlertDocument
}
