/// A parsed YAML document: the YAML adapter builds it with libyaml; the core reads knowledge, rules files and tuning
/// from it. Every node knows the line it starts on, so errors can say where.
package indirect enum YAMLNode: Sendable, Equatable {
    /// A scalar; `isQuoted` is true for single- or double-quoted scalars (so `"1"` stays text).
    case scalar(String, isQuoted: Bool, line: Int)
    case sequence([YAMLNode], line: Int)
    case mapping([(key: String, value: YAMLNode)], line: Int)

    package var line: Int {
        switch self {
        case .scalar(_, _, let line), .sequence(_, let line), .mapping(_, let line): line
        }
    }

    /// The scalar's text, or nil for collections.
    package var string: String? {
        if case .scalar(let text, _, _) = self { return text }
        return nil
    }

    package var sequence: [YAMLNode]? {
        if case .sequence(let items, _) = self { return items }
        return nil
    }

    package var mapping: [(key: String, value: YAMLNode)]? {
        if case .mapping(let pairs, _) = self { return pairs }
        return nil
    }

    /// The value for `key` in a mapping (the first, if repeated).
    package subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key == key }?.value
    }

    /// A plain (unquoted) scalar that YAML reads as null: empty, `~` or `null`.
    package var isNull: Bool {
        if case .scalar(let text, false, _) = self {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }

    package static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let a, let qa, _), .scalar(let b, let qb, _)): a == b && qa == qb
        case (.sequence(let a, _), .sequence(let b, _)): a == b
        case (.mapping(let a, _), .mapping(let b, _)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        default: false
        }
    }
}

/// Why a YAML text could not be read.
package struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Reason: Sendable, Equatable {
        case syntax(String)
        case aliasNotAllowed
        case tooDeep(limit: Int)
        case tooLarge(limit: Int)
        case nonScalarKey
    }

    package var reason: Reason
    package var origin: String
    package var line: Int

    package init(reason: Reason, origin: String, line: Int) {
        self.reason = reason
        self.origin = origin
        self.line = line
    }

    package var description: String {
        let place = "\(origin):\(line)"
        return switch reason {
        case .syntax(let detail): "\(place): YAML syntax error (\(detail))"
        case .aliasNotAllowed: "\(place): YAML aliases are not accepted (they can expand without bound)"
        case .tooDeep(let limit): "\(place): YAML nested deeper than \(limit) levels"
        case .tooLarge(let limit): "\(place): YAML document larger than \(limit) nodes"
        case .nonScalarKey: "\(place): mapping keys must be plain scalars"
        }
    }
}

/// Parses YAML text into documents; one implementation wraps libyaml.
package protocol YAMLDocumentParser: Sendable {
    func parse(_ text: String, origin: String) throws(YAMLError) -> [YAMLNode]
}
