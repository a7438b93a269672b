/// Builds a `KnowledgeBase` from parsed knowledge files, collecting every structural problem as a `Diagnostic`
/// (a bad file is skipped, never fatal). Semantic checks are `KnowledgeLinter`'s job.
package struct KnowledgeLoader {
    package private(set) var diagnostics: [Diagnostic] = []
    private var knowledge = KnowledgeBase()
    private var pendingPlaybooks: [(path: String, playbook: PendingPlaybook)] = []

    /// A playbook waiting for `finish`: parsed, or still text whose header was read without parsing it.
    private enum PendingPlaybook {
        case node(YAMLNode)
        case text(String, header: PlaybookHeader, parse: @Sendable (String, String) -> YAMLNode?)
    }

    /// What a knowledge base must know of a playbook before decoding it.
    package struct PlaybookHeader: Equatable, Sendable {
        package let rule: String
        package let aliases: [String]
        package let source: String
    }
    private var hash = FNV1a()

    package init() {}

    /// Adds one parsed file; `path` is relative to the knowledge root (`rules/syscall/x.yaml`, `shared/common.yaml`,
    /// `attack.yaml`, `fields.yaml`). `text` feeds the content version.
    package mutating func add(path: String, text: String, documents: [YAMLNode]) {
        hash.add(path)
        hash.add(text)
        guard let root = documents.first, documents.count == 1, root.mapping != nil else {
            diagnostics.append(Diagnostic(file: path, message: "expected one YAML mapping"))
            return
        }
        if path.hasSuffix("attack.yaml") && !path.contains("rules/") {
            loadAttack(root, path: path)
        } else if path.hasSuffix("fields.yaml") && !path.contains("rules/") {
            loadFields(root, path: path)
        } else if root["snippets"] != nil {
            loadSnippets(root, path: path)
        } else {
            pendingPlaybooks.append((path, .node(root)))
        }
    }

    /// Resolves snippet uses and returns the knowledge base with everything added so far. With `deferPlaybooks`,
    /// a playbook is only read for its rule, aliases and source now and decoded when an alert of its rule first
    /// arrives (`DeferredPlaybook`); its structural problems are then not reported, so only knowledge that `kb lint`
    /// passes (the bundled knowledge) should be loaded that way.
    package mutating func finish(base: KnowledgeBase = KnowledgeBase(), deferPlaybooks: Bool = false) -> KnowledgeBase {
        var result = knowledge
        if result.attack.techniques.isEmpty { result.attack = base.attack }
        if result.fields.fields.isEmpty { result.fields = base.fields }
        result.snippets.merge(base.snippets) { mine, _ in mine }
        result.rules = base.rules
        result.addPlaybooks(of: base)
        knowledge = result
        var seen: [String: String] = [:]
        let snippets = result.snippets
        for (path, pending) in pendingPlaybooks {
            // A deferred playbook: its header, and where its node comes from when it is first needed.
            var deferred: (header: PlaybookHeader, node: @Sendable () -> YAMLNode?)?
            var parsed: YAMLNode?
            switch pending {
            case .node(let node):
                if deferPlaybooks, let header = Self.header(node) { deferred = (header, { node }) }
                parsed = node
            case .text(let text, let header, let parse):
                if deferPlaybooks {
                    deferred = (header, { parse(text, path) })
                } else if let node = parse(text, path) {
                    parsed = node
                } else {
                    diagnostics.append(Diagnostic(file: path, message: "expected one YAML mapping"))
                    continue
                }
            }
            let rule: String
            if let (header, node) = deferred {
                rule = header.rule
                if seen[rule] == nil {
                    result.add(
                        deferred: DeferredPlaybook(
                            rule: header.rule, aliases: header.aliases, source: header.source,
                            decode: {
                                // The header was read from the same text or node, so decoding does not fail.
                                node().flatMap { Self.decodePlaybook($0, path: path, snippets: snippets).playbook }
                                    ?? Self.placeholder(header, path: path)
                            }))
                }
            } else {
                guard let node = parsed else { continue }
                let decoded = Self.decodePlaybook(node, path: path, snippets: snippets)
                diagnostics += decoded.diagnostics
                guard let playbook = decoded.playbook else { continue }
                rule = playbook.rule
                if seen[rule] == nil { result.add(playbook) }
            }
            if let other = seen[rule] {
                diagnostics.append(
                    Diagnostic(file: path, message: "duplicate playbook for rule '\(rule)' (also in \(other))"))
                continue
            }
            seen[rule] = path
        }
        result.version = pendingPlaybooks.isEmpty && base.playbookCount > 0 ? base.version : "kb-\(hash.hex)"
        return result
    }

    /// Adds a playbook file without parsing it when its header can be read from the text (`header(ofPlaybook:)`):
    /// `parse` turns the text into its root node when the playbook is first needed. Returns false, adding nothing,
    /// when the header cannot be read that way; the caller then parses the file and uses `add(path:text:documents:)`.
    package mutating func addPlaybook(
        path: String, text: String, parse: @escaping @Sendable (String, String) -> YAMLNode?
    ) -> Bool {
        guard path.hasPrefix("rules/"), let header = Self.header(ofPlaybook: text) else { return false }
        hash.add(path)
        hash.add(text)
        pendingPlaybooks.append((path, .text(text, header: header, parse: parse)))
        return true
    }

    /// A playbook's rule, aliases and source read straight from its text, when they are written the simple way the
    /// bundled playbooks write them: top-level `rule:` and `source:` lines holding one plain scalar each, and
    /// `aliases: []` or no aliases. Anything else (quotes, flow or block lists, continued lines, several documents,
    /// tabs, carriage returns, a key given twice) gives nil, and the file is parsed instead. A test checks the
    /// result against the parsed file for every bundled playbook.
    package static func header(ofPlaybook text: String) -> PlaybookHeader? {
        var text = text
        return text.withUTF8 { bytes -> PlaybookHeader? in
            var rule: String?
            var source: String?
            var sawAliases = false
            // The key of the last top-level line, when it is one of the three read here.
            var watched = false
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                start = end + 1
                guard let first = line.first else {
                    watched = false
                    continue
                }
                if line.contains(0x09) || line.contains(0x0D) { return nil }
                if first == 0x20 {
                    // An indented line continues the key before it: fine for any key but the ones read here.
                    if watched { return nil }
                    continue
                }
                watched = false
                if first == UInt8(ascii: "#") { continue }
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
                let key = UnsafeBufferPointer(rebasing: line[..<colon])
                let value = UnsafeBufferPointer(rebasing: line[(colon + 1)...])
                if key.elementsEqual("rule".utf8) || key.elementsEqual("source".utf8) {
                    guard let scalar = plainScalar(value) else { return nil }
                    watched = true
                    if key.count == 4 {
                        if rule != nil { return nil }
                        rule = scalar
                    } else {
                        if source != nil { return nil }
                        source = scalar
                    }
                } else if key.elementsEqual("aliases".utf8) {
                    watched = true
                    if sawAliases || !value.elementsEqual(" []".utf8) { return nil }
                    sawAliases = true
                } else {
                    // Any other top-level key: a plain word (`---`, `...`, quotes or flow syntax end the fast path).
                    guard let initial = key.first, (initial | 0x20) >= UInt8(ascii: "a"),
                        (initial | 0x20) <= UInt8(ascii: "z"),
                        key.allSatisfy({
                            $0 == UInt8(ascii: "_")
                                || ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z")
                        })
                    else { return nil }
                }
            }
            guard let rule, let source else { return nil }
            return PlaybookHeader(rule: rule, aliases: [], source: source)
        }
    }

    /// `value` (what follows `key:`) as a YAML plain scalar, when it is one that needs no interpretation: ASCII, after
    /// one space, starting with a letter or digit, with no `#`, no `: ` and no trailing space or colon.
    private static func plainScalar(_ value: UnsafeBufferPointer<UInt8>) -> String? {
        guard value.count >= 2, value[0] == 0x20 else { return nil }
        let scalar = UnsafeBufferPointer(rebasing: value[1...])
        let first = scalar[0] | 0x20
        guard (first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z")) || (scalar[0] >= 0x30 && scalar[0] <= 0x39),
            scalar.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") }),
            scalar.last != 0x20, scalar.last != UInt8(ascii: ":")
        else { return nil }
        for index in scalar.indices.dropLast() where scalar[index] == UInt8(ascii: ":") && scalar[index + 1] == 0x20 {
            return nil
        }
        return String(decoding: scalar, as: UTF8.self)
    }

    /// An empty playbook for a deferred one that failed to decode (the bundled knowledge passes `kb lint`, so this
    /// does not happen): the alert still gets the generic analysis.
    private static func placeholder(_ header: PlaybookHeader, path: String) -> Playbook {
        Playbook(
            rule: header.rule, aliases: header.aliases, source: header.source, version: 1, outputFields: [],
            target: nil, summary: Text(""), attack: [], benign: [], signals: [], investigation: [], mitigations: [],
            tuning: TuningSpec(exception: nil, macro: nil, notes: Text("")), recommendations: [], references: [],
            file: path)
    }

    /// A playbook's rule, aliases and source, read as `decodePlaybook` reads them; nil when either is missing or
    /// not a string (the playbook is then decoded at once, to report why).
    private static func header(_ root: YAMLNode) -> PlaybookHeader? {
        guard let rule = root["rule"]?.string, let source = root["source"]?.string else { return nil }
        var reader = NodeReader(path: "")
        let aliases = reader.strings(root, "aliases")
        return reader.diagnostics.isEmpty ? PlaybookHeader(rule: rule, aliases: aliases, source: source) : nil
    }

    // MARK: - Catalogs

    private mutating func loadAttack(_ root: YAMLNode, path: String) {
        var reader = NodeReader(path: path)
        knowledge.attack.version = reader.string(root, "version") ?? ""
        for node in reader.list(root, "tactics") {
            guard let id = reader.string(node, "id"), let short = reader.string(node, "shortname"),
                let name = reader.string(node, "name")
            else { continue }
            knowledge.attack.tactics.append(.init(id: id, shortname: short, name: name))
        }
        for node in reader.list(root, "techniques") {
            guard let id = reader.string(node, "id"), let name = reader.string(node, "name") else { continue }
            knowledge.attack.techniques[id] = .init(
                id: id, name: name, parent: reader.optionalString(node, "parent"),
                tactics: reader.strings(node, "tactics"), platforms: reader.strings(node, "platforms"))
        }
        diagnostics += reader.diagnostics
    }

    private mutating func loadFields(_ root: YAMLNode, path: String) {
        var reader = NodeReader(path: path)
        for node in reader.list(root, "fields") {
            guard let name = reader.string(node, "name"), let type = reader.string(node, "type") else { continue }
            knowledge.fields.fields[name] = .init(
                name: name, sources: reader.strings(node, "sources"), type: type,
                takesArgument: reader.optionalString(node, "argument") == "true")
        }
        diagnostics += reader.diagnostics
    }

    private mutating func loadSnippets(_ root: YAMLNode, path: String) {
        var reader = NodeReader(path: path)
        for node in reader.list(root, "snippets") {
            guard let id = reader.string(node, "id"), let kind = reader.string(node, "kind") else { continue }
            if knowledge.snippets[id] != nil {
                reader.problem(node, "duplicate snippet id '\(id)'")
                continue
            }
            switch kind {
            case "investigation":
                guard let step = node["step"], let decoded = reader.step(step) else {
                    reader.problem(node, "snippet '\(id)' needs a `step`")
                    continue
                }
                knowledge.snippets[id] = .investigation(
                    decoded.with(snippet: id, condition: reader.optionalCondition(node)))
            case "mitigation":
                guard let mitigation = node["mitigation"], let decoded = reader.mitigation(mitigation) else {
                    reader.problem(node, "snippet '\(id)' needs a `mitigation`")
                    continue
                }
                knowledge.snippets[id] = .mitigation(
                    decoded.with(snippet: id, condition: reader.optionalCondition(node)))
            default:
                reader.problem(node, "snippet kind must be investigation or mitigation, not '\(kind)'")
            }
        }
        diagnostics += reader.diagnostics
    }

    // MARK: - Playbooks

    private static let playbookKeys: Set<String> = [
        "rule", "aliases", "source", "version", "output_fields", "target", "summary", "attack", "benign", "signals",
        "investigation", "mitigations", "tuning", "recommendations", "references",
    ]

    private static func decodePlaybook(_ root: YAMLNode, path: String, snippets: [String: Snippet]) -> (
        playbook: Playbook?, diagnostics: [Diagnostic]
    ) {
        var reader = NodeReader(path: path)
        for (key, value) in root.mapping ?? [] where !Self.playbookKeys.contains(key) {
            reader.problem(value, "unknown key '\(key)'")
        }
        guard let rule = reader.string(root, "rule"), let source = reader.string(root, "source") else {
            return (nil, reader.diagnostics)
        }
        var target: TargetSpec?
        if let node = root["target"] {
            if let kindText = reader.string(node, "kind"), let kind = TargetKind(rawValue: kindText) {
                target = TargetSpec(kind: kind, field: reader.optionalString(node, "field"))
            } else {
                reader.problem(
                    node, "target.kind must be one of \(TargetKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var attack: [AttackRef] = []
        for node in reader.list(root, "attack") {
            guard let id = reader.string(node, "id") else { continue }
            let fromText = reader.optionalString(node, "from") ?? "rule_tag"
            guard let origin = AttackRef.Origin(rawValue: fromText) else {
                reader.problem(node, "attack.from must be rule_tag or playbook")
                continue
            }
            attack.append(AttackRef(id: id, origin: origin, note: reader.optionalString(node, "note").map { Text($0) }))
        }
        var signals: [Signal] = []
        for node in reader.list(root, "signals") {
            guard let id = reader.string(node, "id"), let weightText = reader.string(node, "weight") else { continue }
            guard let weight = Int(weightText) else {
                reader.problem(node, "signal '\(id)': weight must be an integer")
                continue
            }
            guard let whenNode = node["when"], let condition = reader.condition(whenNode) else {
                reader.problem(node, "signal '\(id)': missing or invalid `when`")
                continue
            }
            signals.append(
                Signal(id: id, weight: weight, condition: condition, detail: Text(reader.string(node, "detail") ?? "")))
        }
        var steps: [InvestigationStep] = []
        for node in reader.list(root, "investigation") {
            if let use = reader.optionalString(node, "use") {
                reader.checkUseKeys(node)
                guard case .investigation(let step) = snippets[use] else {
                    reader.problem(node, "unknown investigation snippet '\(use)'")
                    continue
                }
                steps.append(
                    step.with(snippet: step.snippet, condition: reader.useCondition(node, adding: step.condition)))
            } else if let step = reader.step(node) {
                steps.append(step)
            }
        }
        var mitigations: [Mitigation] = []
        for node in reader.list(root, "mitigations") {
            if let use = reader.optionalString(node, "use") {
                reader.checkUseKeys(node)
                guard case .mitigation(let mitigation) = snippets[use] else {
                    reader.problem(node, "unknown mitigation snippet '\(use)'")
                    continue
                }
                mitigations.append(
                    mitigation.with(
                        snippet: mitigation.snippet, condition: reader.useCondition(node, adding: mitigation.condition))
                )
            } else if let mitigation = reader.mitigation(node) {
                mitigations.append(mitigation)
            }
        }
        var tuning = TuningSpec(exception: nil, macro: nil, notes: Text(""))
        if let node = root["tuning"] {
            tuning.macro = reader.optionalString(node, "macro")
            tuning.notes = Text((reader.optionalString(node, "notes") ?? "").trimmingSpaces)
            if let exception = node["exception"] {
                var fields: [ExceptionFieldSpec] = []
                for item in reader.list(exception, "fields") {
                    if let name = item.string {
                        fields.append(ExceptionFieldSpec(field: name, comp: "=", fixedValue: nil))
                    } else if let name = reader.string(item, "field") {
                        fields.append(
                            ExceptionFieldSpec(
                                field: name, comp: reader.optionalString(item, "comp") ?? "=",
                                fixedValue: reader.optionalString(item, "value")))
                    }
                }
                tuning.exception = ExceptionSpec(name: reader.string(exception, "name") ?? "", fields: fields)
            }
        }
        let versionText = reader.optionalString(root, "version") ?? "1"
        let playbook = Playbook(
            rule: rule, aliases: reader.strings(root, "aliases"), source: source, version: Int(versionText) ?? 1,
            outputFields: reader.strings(root, "output_fields"), target: target,
            summary: Text(reader.string(root, "summary")?.trimmingSpaces ?? ""), attack: attack,
            benign: reader.strings(root, "benign").map { Text($0) }, signals: signals, investigation: steps,
            mitigations: mitigations, tuning: tuning,
            recommendations: reader.strings(root, "recommendations").map { Text($0) },
            references: reader.strings(root, "references"), file: path)
        return (playbook, reader.diagnostics)
    }
}

/// Reads typed values out of YAML nodes, recording a diagnostic (with the line) for each problem.
struct NodeReader {
    let path: String
    var diagnostics: [Diagnostic] = []

    init(path: String) { self.path = path }

    mutating func problem(_ node: YAMLNode, _ message: String) {
        diagnostics.append(Diagnostic(file: path, line: node.line, message: message))
    }

    /// A required scalar.
    mutating func string(_ node: YAMLNode, _ key: String) -> String? {
        guard let value = node[key] else {
            problem(node, "missing `\(key)`")
            return nil
        }
        guard let text = value.string else {
            problem(value, "`\(key)` must be a scalar")
            return nil
        }
        return text
    }

    mutating func optionalString(_ node: YAMLNode, _ key: String) -> String? {
        guard let value = node[key], !value.isNull else { return nil }
        guard let text = value.string else {
            problem(value, "`\(key)` must be a scalar")
            return nil
        }
        return text
    }

    /// A list of scalars (a single scalar is taken as a one-item list).
    mutating func strings(_ node: YAMLNode, _ key: String) -> [String] {
        guard let value = node[key], !value.isNull else { return [] }
        if let text = value.string { return [text] }
        guard let items = value.sequence else {
            problem(value, "`\(key)` must be a list")
            return []
        }
        return items.compactMap { item in
            guard let text = item.string else {
                problem(item, "`\(key)` items must be scalars")
                return nil
            }
            return text.trimmingSpaces
        }
    }

    mutating func list(_ node: YAMLNode, _ key: String) -> [YAMLNode] {
        guard let value = node[key], !value.isNull else { return [] }
        guard let items = value.sequence else {
            problem(value, "`\(key)` must be a list")
            return []
        }
        return items
    }

    private static let stepKeys: Set<String> = ["title", "command", "look_for", "reference", "when"]
    private static let mitigationKeys: Set<String> = [
        "title", "kind", "disruptive", "commands", "config", "undo", "reach", "reference", "when",
    ]

    mutating func step(_ node: YAMLNode) -> InvestigationStep? {
        for (key, value) in node.mapping ?? [] where !Self.stepKeys.contains(key) {
            problem(value, "investigation step: unknown key '\(key)'")
        }
        guard let title = string(node, "title"), let command = string(node, "command") else { return nil }
        return InvestigationStep(
            title: Text(title.trimmingSpaces), command: Template(command.trimmingSpaces),
            lookFor: Text((optionalString(node, "look_for") ?? "").trimmingSpaces),
            reference: Text((optionalString(node, "reference") ?? "").trimmingSpaces), snippet: nil,
            condition: optionalCondition(node))
    }

    /// The optional `when` of a step or mitigation; a present but invalid one is a problem.
    mutating func optionalCondition(_ node: YAMLNode) -> Condition? {
        guard let whenNode = node["when"] else { return nil }
        guard let condition = condition(whenNode) else {
            problem(whenNode, "invalid `when` condition")
            return nil
        }
        return condition
    }

    /// A `- use: ID` entry holds only `use` and `when`.
    mutating func checkUseKeys(_ node: YAMLNode) {
        for (key, value) in node.mapping ?? [] where key != "use" && key != "when" {
            problem(value, "snippet use: unknown key '\(key)'")
        }
    }

    /// A `- use: ID` entry may add its own `when`, which must hold together with the snippet's.
    mutating func useCondition(_ node: YAMLNode, adding existing: Condition?) -> Condition? {
        guard let own = optionalCondition(node) else { return existing }
        return existing.map { .all([$0, own]) } ?? own
    }

    mutating func mitigation(_ node: YAMLNode) -> Mitigation? {
        for (key, value) in node.mapping ?? [] where !Self.mitigationKeys.contains(key) {
            problem(value, "mitigation: unknown key '\(key)'")
        }
        guard let title = string(node, "title") else { return nil }
        let kindText = optionalString(node, "kind") ?? ""
        guard let kind = Mitigation.Kind(rawValue: kindText) else {
            problem(node, "mitigation '\(title)': kind must be containment or hardening")
            return nil
        }
        var config: ConfigSnippet?
        if let configNode = node["config"] {
            if let text = optionalString(configNode, "text") {
                config = ConfigSnippet(language: optionalString(configNode, "language") ?? "text", text: Template(text))
            } else {
                problem(configNode, "config needs `text`")
            }
        }
        return Mitigation(
            title: Text(title.trimmingSpaces), kind: kind, isDisruptive: optionalString(node, "disruptive") == "true",
            commands: strings(node, "commands").map { Template($0) }, config: config,
            undo: optionalString(node, "undo").map { Template($0.trimmingSpaces) },
            reach: Text((optionalString(node, "reach") ?? "").trimmingSpaces),
            reference: Text((optionalString(node, "reference") ?? "").trimmingSpaces), snippet: nil,
            condition: optionalCondition(node))
    }

    mutating func condition(_ node: YAMLNode) -> Condition? {
        guard let pairs = node.mapping, !pairs.isEmpty else {
            problem(node, "a condition must be a mapping")
            return nil
        }
        if let all = node["all"] ?? node["any"] {
            guard let items = all.sequence else {
                problem(all, "all/any takes a list of conditions")
                return nil
            }
            let parts = items.compactMap { condition($0) }
            guard parts.count == items.count else { return nil }
            return node["all"] != nil ? .all(parts) : .any(parts)
        }
        if let inner = node["not"] {
            return condition(inner).map { .not($0) }
        }
        if let fact = node["fact"]?.string {
            return .fact(Fact(fact))
        }
        guard let field = optionalString(node, "field") else {
            problem(node, "a condition needs field, fact, all, any or not")
            return nil
        }
        let tests = pairs.filter { $0.key != "field" }
        guard tests.count == 1, let (name, value) = tests.first else {
            problem(node, "a field condition needs exactly one test")
            return nil
        }
        let values: [String] = value.string.map { [$0] } ?? (value.sequence ?? []).compactMap(\.string)
        let known = KnownField(named: field)
        switch name {
        case "equals": return .field(field, .equals(values.first ?? ""), known)
        case "in": return .field(field, .oneOf(values), known)
        case "startswith": return .field(field, .startsWith(values), known)
        case "endswith": return .field(field, .endsWith(values), known)
        case "contains": return .field(field, .contains(values), known)
        case "present": return .field(field, .present(value.string == "true"), known)
        case "gt", "lt":
            guard let number = Double(value.string ?? "") else {
                problem(value, "\(name) needs a number")
                return nil
            }
            return .field(field, name == "gt" ? .greater(number) : .less(number), known)
        default:
            problem(node, "unknown condition test '\(name)'")
            return nil
        }
    }
}

/// FNV-1a, 64-bit: a stable hash for ids that must not change between runs (Swift's Hasher is seeded per process).
package struct FNV1a: Sendable {
    package private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    package init() {}

    package mutating func add(_ text: String) {
        addBytes(of: text)
        endPart()
    }

    /// Adds the text's bytes without the separator `add` ends with: several calls then `endPart()` hash the same
    /// as one `add` of their concatenation, without building it.
    package mutating func addBytes(of text: String) {
        var text = text
        text.withUTF8 { addBytes($0) }
    }

    /// Adds the bytes without the separator, like `addBytes(of:)`.
    package mutating func addBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        var value = self.value
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
        self.value = value
    }

    /// Adds one byte (as `addBytes(of:)` of a one-byte string would).
    package mutating func addByte(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01B3
    }

    /// The separator that keeps ("ab","c") and ("a","bc") apart.
    package mutating func endPart() {
        value ^= 0xFF
        value = value &* 0x0000_0100_0000_01B3
    }

    /// 16 lowercase hex digits.
    package var hex: String { hex(prefix: "") }

    /// `prefix` then the 16 lowercase hex digits, written into one buffer.
    package func hex(prefix: StaticString) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(prefix.utf8CodeUnitCount + 16)
        prefix.withUTF8Buffer { bytes.append(contentsOf: $0) }
        for shift in stride(from: 60, through: 0, by: -4) {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0x0F
            bytes.append(nibble < 10 ? 0x30 + nibble : 0x57 + nibble)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
