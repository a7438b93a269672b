/// Falconer's own check of Falco tuning YAML (Falco itself is not available to run): the shape of a rules-file
/// entry that adds exceptions to a known rule, with fields valid for the rule's source and operators Falco knows.
package struct TuningValidator: Sendable {
    /// Operators Falco accepts in exception `comps` (libsinsp's filter operators usable with a value).
    package static let operators: Set<String> = [
        "=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains", "startswith", "bstartswith",
        "endswith", "glob", "iglob", "in", "intersects", "pmatch",
    ]
    /// Operators whose value is a list.
    package static let listOperators: Set<String> = ["in", "intersects", "pmatch"]

    let knowledge: KnowledgeBase

    package init(knowledge: KnowledgeBase) { self.knowledge = knowledge }

    /// Every problem in `documents` (the parsed snippet), each with its line.
    package func validate(_ documents: [YAMLNode], origin: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func problem(_ node: YAMLNode, _ message: String) {
            problems.append(Diagnostic(file: origin, line: node.line, message: message))
        }
        guard documents.count == 1, let items = documents[0].sequence else {
            problems.append(
                Diagnostic(file: origin, message: "tuning must be one YAML document holding a list of rule entries"))
            return problems
        }
        for item in items {
            guard item.mapping != nil, let ruleNode = item["rule"], let rule = ruleNode.string else {
                problem(item, "each entry needs `- rule: NAME`")
                continue
            }
            let source = knowledge.playbook(for: rule)?.source ?? knowledge.rules[rule]?.source
            guard let source else {
                problem(ruleNode, "unknown rule '\(rule)': exceptions can only be added to a rule Falco has loaded")
                continue
            }
            for (key, value) in item.mapping ?? [] where !["rule", "exceptions", "override", "enabled"].contains(key) {
                problem(value, "unexpected key '\(key)' in an entry that tunes an existing rule")
            }
            guard let exceptions = item["exceptions"]?.sequence, !exceptions.isEmpty else {
                problem(item, "`exceptions` must be a non-empty list")
                continue
            }
            checkOverride(item, problem: problem)
            var names: Set<String> = []
            for exception in exceptions {
                checkException(exception, source: source, names: &names, problem: problem)
            }
        }
        return problems
    }

    private func checkOverride(_ item: YAMLNode, problem: (YAMLNode, String) -> Void) {
        guard let override = item["override"] else {
            problem(item, "an entry for an existing rule needs `override: {exceptions: append}` (or replace)")
            return
        }
        guard let pairs = override.mapping, !pairs.isEmpty else {
            problem(override, "`override` must be a mapping of key -> append|replace")
            return
        }
        for (key, value) in pairs {
            guard let mode = value.string, mode == "append" || mode == "replace" else {
                problem(value, "override of '\(key)' must be append or replace")
                continue
            }
            if key != "exceptions" && item[key] == nil {
                problem(value, "override names '\(key)', which the entry does not set")
            }
        }
        if override["exceptions"] == nil { problem(override, "`override` must say how to merge `exceptions`") }
    }

    private func checkException(
        _ exception: YAMLNode, source: String, names: inout Set<String>, problem: (YAMLNode, String) -> Void
    ) {
        guard exception.mapping != nil else {
            problem(exception, "an exception must be a mapping with name, fields, comps and values")
            return
        }
        guard let name = exception["name"]?.string, !name.isEmpty else {
            problem(exception, "an exception needs a `name`")
            return
        }
        if !names.insert(name).inserted { problem(exception, "duplicate exception name '\(name)'") }
        let fieldNodes: [YAMLNode] = exception["fields"]?.sequence ?? (exception["fields"].map { [$0] } ?? [])
        guard !fieldNodes.isEmpty else {
            problem(exception, "exception '\(name)' needs `fields`")
            return
        }
        let fields = fieldNodes.compactMap(\.string)
        if fields.count != fieldNodes.count { problem(exception, "exception '\(name)': fields must be field names") }
        for (node, field) in zip(fieldNodes, fields) where !knowledge.fields.isValid(field, forSource: source) {
            problem(node, "exception '\(name)': '\(field)' is not a field of the \(source) source")
        }
        var comps = Array(repeating: "=", count: fields.count)
        if let compsNode = exception["comps"] {
            let compNodes = compsNode.sequence ?? [compsNode]
            let given = compNodes.compactMap(\.string)
            if given.count != fields.count {
                problem(
                    compsNode, "exception '\(name)': comps has \(given.count) item(s) but fields has \(fields.count)")
            } else {
                comps = given
            }
            for (node, comp) in zip(compNodes, given) where !Self.operators.contains(comp) {
                problem(node, "exception '\(name)': '\(comp)' is not a Falco operator")
            }
        }
        guard let rows = exception["values"]?.sequence else {
            if exception["values"] != nil { problem(exception, "exception '\(name)': values must be a list of rows") }
            return
        }
        for row in rows {
            let cells = fields.count == 1 && row.sequence == nil ? [row] : (row.sequence ?? [])
            guard cells.count == fields.count else {
                problem(
                    row, "exception '\(name)': a values row has \(cells.count) item(s) but fields has \(fields.count)")
                continue
            }
            for (cell, comp) in zip(cells, comps) {
                if Self.listOperators.contains(comp) {
                    if cell.sequence == nil { problem(cell, "exception '\(name)': '\(comp)' needs a list value") }
                } else if cell.sequence != nil || cell.mapping != nil {
                    problem(cell, "exception '\(name)': '\(comp)' needs a single value")
                } else if cell.isNull {
                    problem(cell, "exception '\(name)': an empty or null value must be quoted to mean a string")
                }
            }
        }
    }
}
