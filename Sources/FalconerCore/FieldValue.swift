/// One value of an alert field as it arrived: numbers keep their source text so nothing is rounded.
package enum FieldValue: Sendable, Equatable, Hashable {
    case string(String)
    case number(String)
    case bool(Bool)
    /// A nested JSON array or object, kept as its raw JSON text.
    case raw(String)

    /// The value as text: strings as they are, numbers as written, booleans as `true`/`false`.
    package var text: String {
        switch self {
        case .string(let value), .number(let value), .raw(let value): value
        case .bool(let flag): flag ? "true" : "false"
        }
    }

    /// The value as an integer, when it is one (a JSON integer or a string of digits).
    package var integer: Int64? {
        switch self {
        case .number(let text), .string(let text): Int64(text)
        default: nil
        }
    }

    /// True for the values that mean "unknown": `""`, Falco's `"<NA>"` and `"N/A"`, which some forwarders write (JSON
    /// null never becomes a FieldValue).
    package var meansUnknown: Bool {
        switch self {
        case .string(let text): text.isEmpty || text == "<NA>" || text == "N/A"
        default: false
        }
    }
}
