/// A problem found in knowledge, rules or configuration, with where it is. Collected, not thrown.
package struct Diagnostic: Sendable, Equatable, CustomStringConvertible, Comparable {
    package var file: String
    package var line: Int?
    package var message: String

    package init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    package var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }

    package static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.file, lhs.line ?? 0, lhs.message) < (rhs.file, rhs.line ?? 0, rhs.message)
    }
}
