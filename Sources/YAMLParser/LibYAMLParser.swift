import CYAML
package import FalconerCore

/// Parses YAML with libyaml's event API into `YAMLNode` trees. Aliases are rejected (no "billion laughs"), nesting
/// and node counts are capped, and every error names the line.
package struct LibYAMLParser: YAMLDocumentParser {
    package let maxDepth: Int
    package let maxNodes: Int

    package init(maxDepth: Int = 64, maxNodes: Int = 2_000_000) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    /// Wraps `yaml_parser_parse` in a loop; returns every document in the stream.
    package func parse(_ text: String, origin: String) throws(YAMLError) -> [YAMLNode] {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLError(reason: .syntax("libyaml could not start"), origin: origin, line: 0)
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> [YAMLNode] in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var builder = Builder(origin: origin, maxDepth: maxDepth, maxNodes: maxNodes)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
                    throw YAMLError(reason: .syntax(problem), origin: origin, line: Int(parser.problem_mark.line) + 1)
                }
                defer { yaml_event_delete(&event) }
                let done = try builder.handle(&event)
                if done { break }
            }
            return builder.documents
        }
    }
}

private struct Builder {
    enum Frame {
        case sequence([YAMLNode], line: Int)
        case mapping([(key: String, value: YAMLNode)], pendingKey: String?, line: Int)
    }

    let origin: String
    let maxDepth: Int
    let maxNodes: Int
    var stack: [Frame] = []
    var documents: [YAMLNode] = []
    var current: YAMLNode?
    var nodes = 0

    init(origin: String, maxDepth: Int, maxNodes: Int) {
        self.origin = origin
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    /// Handles one event; returns true at the end of the stream.
    mutating func handle(_ event: inout yaml_event_t) throws(YAMLError) -> Bool {
        let line = Int(event.start_mark.line) + 1
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            current = nil
        case YAML_DOCUMENT_END_EVENT:
            documents.append(current ?? .scalar("", isQuoted: false, line: line))
            current = nil
        case YAML_ALIAS_EVENT:
            throw YAMLError(reason: .aliasNotAllowed, origin: origin, line: line)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text: String
            if let value = scalar.value {
                text = String(decoding: UnsafeBufferPointer(start: value, count: scalar.length), as: UTF8.self)
            } else {
                text = ""
            }
            let quoted =
                scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE || scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
                || scalar.style == YAML_LITERAL_SCALAR_STYLE || scalar.style == YAML_FOLDED_SCALAR_STYLE
            try add(.scalar(text, isQuoted: quoted, line: line))
        case YAML_SEQUENCE_START_EVENT:
            try push(.sequence([], line: line), line: line)
        case YAML_MAPPING_START_EVENT:
            try push(.mapping([], pendingKey: nil, line: line), line: line)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return false }
            switch frame {
            case .sequence(let items, let start): try add(.sequence(items, line: start))
            case .mapping(let pairs, _, let start): try add(.mapping(pairs, line: start))
            }
        default:
            break
        }
        return false
    }

    mutating func push(_ frame: Frame, line: Int) throws(YAMLError) {
        guard stack.count < maxDepth else {
            throw YAMLError(reason: .tooDeep(limit: maxDepth), origin: origin, line: line)
        }
        stack.append(frame)
    }

    mutating func add(_ node: YAMLNode) throws(YAMLError) {
        nodes += 1
        guard nodes <= maxNodes else {
            throw YAMLError(reason: .tooLarge(limit: maxNodes), origin: origin, line: node.line)
        }
        guard let top = stack.popLast() else {
            current = node
            return
        }
        switch top {
        case .sequence(var items, let line):
            items.append(node)
            stack.append(.sequence(items, line: line))
        case .mapping(var pairs, let pendingKey, let line):
            if let pendingKey {
                pairs.append((pendingKey, node))
                stack.append(.mapping(pairs, pendingKey: nil, line: line))
            } else {
                guard let key = node.string else {
                    throw YAMLError(reason: .nonScalarKey, origin: origin, line: node.line)
                }
                stack.append(.mapping(pairs, pendingKey: key, line: line))
            }
        }
    }
}
