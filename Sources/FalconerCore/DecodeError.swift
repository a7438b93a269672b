/// Why one input value could not become an alert.
package struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Reason: Sendable, Equatable {
        case notJSON(String)
        case notObject
        case missingField(String)
        case wrongType(field: String, expected: String)
        case tooLarge(limit: Int)
        case truncated
        case strayText
    }

    package var reason: Reason
    /// Where: `FILE:LINE`, `stdin:LINE` or `webhook`.
    package var origin: String

    package init(reason: Reason, origin: String) {
        self.reason = reason
        self.origin = origin
    }

    package var description: String {
        switch reason {
        case .notJSON(let detail): "\(origin): not valid JSON (\(detail))"
        case .notObject: "\(origin): the value is not a JSON object"
        case .missingField(let name): "\(origin): required field '\(name)' is missing"
        case .wrongType(let field, let expected): "\(origin): field '\(field)' must be \(expected)"
        case .tooLarge(let limit): "\(origin): value is larger than the \(limit)-byte limit; skipped"
        case .truncated: "\(origin): the JSON value ends before it is complete"
        case .strayText: "\(origin): a stray JSON fragment outside any value"
        }
    }
}
