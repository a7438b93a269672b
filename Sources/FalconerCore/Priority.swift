/// Falco's alert priority, ordered from least to most severe; raw values are Falco's spelling.
package enum Priority: String, Sendable, CaseIterable, Comparable, Codable {
    case debug = "Debug"
    case informational = "Informational"
    case notice = "Notice"
    case warning = "Warning"
    case error = "Error"
    case critical = "Critical"
    case alert = "Alert"
    case emergency = "Emergency"

    /// Parses a priority in any case, accepting Falco's short forms (`info`, `warn`, `err`, `crit`, `emerg`).
    package init?(parsing text: String) {
        // Falco's own spelling first: no lowercased copy for the usual case.
        if let exact = Priority(rawValue: text) {
            self = exact
            return
        }
        switch text.lowercased() {
        case "debug": self = .debug
        case "informational", "info": self = .informational
        case "notice": self = .notice
        case "warning", "warn": self = .warning
        case "error", "err": self = .error
        case "critical", "crit": self = .critical
        case "alert": self = .alert
        case "emergency", "emerg": self = .emergency
        default: return nil
        }
    }

    /// Position in the severity order, 0 (debug) to 7 (emergency).
    package var rank: Int {
        switch self {
        case .debug: 0
        case .informational: 1
        case .notice: 2
        case .warning: 3
        case .error: 4
        case .critical: 5
        case .alert: 6
        case .emergency: 7
        }
    }

    package static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rank < rhs.rank }
}
