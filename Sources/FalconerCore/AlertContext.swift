/// An alert plus the values Falconer derives from it: facts for conditions, the target, and placeholder values.
/// Built once per alert; every analysis step reads from it.
package struct AlertContext: Sendable {
    package let alert: Alert
    package let target: Target
    /// Derived facts as bits (`factBit`): checked for every condition of every signal and step, so no hashing.
    private let facts: UInt32

    package static let shells: Set<String> = ["bash", "sh", "zsh", "dash", "ksh", "mksh", "fish", "tcsh", "csh", "ash"]
    package static let containerRuntimes: Set<String> = [
        "runc", "crun", "conmon", "containerd-shim", "containerd-shim-runc-v2", "containerd", "dockerd", "docker-init",
        "youki",
    ]

    /// The rule's tags: the alert's own, or, when the alert carries none, those of the rule in a `--rules` file.
    package let tags: [String]

    package init(alert: Alert, targetSpec: TargetSpec? = nil, ruleTags: [String] = []) {
        self.alert = alert
        self.tags = alert.tags.isEmpty ? ruleTags : alert.tags
        self.target = Target.resolve(alert, spec: targetSpec)
        self.facts = Self.deriveFacts(alert)
    }

    /// True when the named fact holds (docs/knowledge-base.md, "Facts").
    package func holds(_ fact: String) -> Bool { Self.factBit(fact).map { facts & $0 != 0 } ?? false }

    /// The bit of a fact name (docs/knowledge-base.md, "Facts"); nil for a name that is no fact.
    static func factBit(_ name: String) -> UInt32? {
        switch name {
        case "in_container": 1 << 0
        case "on_host": 1 << 1
        case "has_tty": 1 << 2
        case "no_tty": 1 << 3
        case "is_root": 1 << 4
        case "login_uid_set": 1 << 5
        case "no_login_uid": 1 << 6
        case "parent_is_shell": 1 << 7
        case "parent_is_container_runtime": 1 << 8
        case "in_kubernetes": 1 << 9
        case "privileged_container": 1 << 10
        case "exe_writable": 1 << 11
        case "source_inferred": 1 << 12
        default: nil
        }
    }

    /// The alert's login uid when it names a real login (not -1 / 4294967295).
    package var loginUID: String? {
        guard let value = alert.integer(.userLoginuid), value >= 0, value != 4_294_967_295 else { return nil }
        return String(value)
    }

    /// The value of a field or derived placeholder name, or nil when unknown.
    package func value(of name: String) -> String? { value(of: name, known: KnownField(named: name)) }

    /// The value of a field or derived placeholder name whose `KnownField` was resolved beforehand (templates do it
    /// when the knowledge is loaded); a known field is never a derived name.
    package func value(of name: String, known: KnownField?) -> String? {
        if let known { return alert[known] }
        if let field = alert[name] { return field }
        switch name {
        case "hostname": return alert.hostname
        case "target.pid": return target.pid.map(String.init)
        case "target.path": return target.path
        case "target.ip": return target.ip
        case "target.port": return target.port
        case "time.iso": return alert.time.map { RFC3339.format($0, fraction: false) }
        case "time.since": return alert.time.map { RFC3339.formatForJournal($0.adding(seconds: -900)) }
        case "time.until": return alert.time.map { RFC3339.formatForJournal($0.adding(seconds: 900)) }
        case "login.uid": return loginUID
        default: return nil
        }
    }

    /// Evaluates a condition; a test on a field the alert does not carry is false.
    package func evaluate(_ condition: Condition) -> Bool {
        switch condition {
        case .fact(let name): return holds(name)
        case .all(let parts): return parts.allSatisfy { evaluate($0) }
        case .any(let parts): return parts.contains { evaluate($0) }
        case .not(let inner): return !evaluate(inner)
        case .field(let name, let test):
            let value = self.value(of: name)
            switch test {
            case .present(let expected): return (value != nil) == expected
            case .equals(let expected): return value == expected
            case .oneOf(let options): return value.map { options.contains($0) } ?? false
            case .startsWith(let prefixes):
                return value.map { text in prefixes.contains { text.hasPrefix($0) } } ?? false
            case .endsWith(let suffixes): return value.map { text in suffixes.contains { text.hasSuffix($0) } } ?? false
            case .contains(let parts): return value.map { text in parts.contains { text.containsBytes($0) } } ?? false
            case .greater(let bound): return value.flatMap(Double.init).map { $0 > bound } ?? false
            case .less(let bound): return value.flatMap(Double.init).map { $0 < bound } ?? false
            }
        }
    }

    private static func deriveFacts(_ alert: Alert) -> UInt32 {
        var facts: UInt32 = 0
        func insert(_ name: String) { facts |= factBit(name) ?? 0 }
        let containerID = alert[.containerId]
        if containerID == "host" {
            insert("on_host")
        } else if containerID != nil || alert[.containerImageRepository] != nil {
            insert("in_container")
        }
        if let tty = alert.integer(.procTty) {
            insert(tty != 0 ? "has_tty" : "no_tty")
        }
        if let uid = alert.integer(.userUid) {
            if uid == 0 { insert("is_root") }
        } else if alert[.userName] == "root" {
            insert("is_root")
        }
        if let login = alert.integer(.userLoginuid) {
            insert(login >= 0 && login != 4_294_967_295 ? "login_uid_set" : "no_login_uid")
        }
        if let parent = alert[.procPname] {
            if shells.contains(parent) { insert("parent_is_shell") }
            if containerRuntimes.contains(parent) { insert("parent_is_container_runtime") }
        }
        if alert[.k8sPodName] != nil || alert[.k8sNsName] != nil { insert("in_kubernetes") }
        if alert[.containerPrivileged] == "true" { insert("privileged_container") }
        let flags = alert[.evtArgFlags] ?? ""
        if flags.containsBytes("EXE_WRITABLE") || flags.containsBytes("EXE_UPPER_LAYER")
            || flags.containsBytes("EXE_FROM_MEMFD")
            || alert[.procIsExeWritable] == "true" || alert[.procIsExeUpperLayer] == "true"
        {
            insert("exe_writable")
        }
        if alert.isSourceInferred { insert("source_inferred") }
        return facts
    }
}
