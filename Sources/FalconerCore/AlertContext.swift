/// An alert plus the values Falconer derives from it: facts for conditions, the target, and placeholder values.
/// Built once per alert; every analysis step reads from it.
package struct AlertContext: Sendable {
    package let alert: Alert
    package let target: Target
    /// Derived facts as bits (`Fact`): checked for every condition of every signal and step, so no hashing.
    private let facts: UInt32

    package static let shells: Set<String> = ["bash", "sh", "zsh", "dash", "ksh", "mksh", "fish", "tcsh", "csh", "ash"]
    package static let containerRuntimes: Set<String> = [
        "runc", "crun", "conmon", "containerd-shim", "containerd-shim-runc-v2", "containerd", "dockerd", "docker-init",
        "youki",
    ]

    /// The rule's tags: the alert's own, or, when the alert carries none, those of the rule in a `--rules` file.
    package let tags: [String]

    package init(alert: consuming Alert, targetSpec: TargetSpec? = nil, ruleTags: [String] = []) {
        self.alert = alert
        tags = self.alert.tags.isEmpty ? ruleTags : self.alert.tags
        target = Target.resolve(self.alert, spec: targetSpec)
        facts = Self.deriveFacts(self.alert)
    }

    /// True when the fact holds (docs/knowledge-base.md, "Facts"); a fact name Falconer does not know never holds.
    package func holds(_ fact: Fact) -> Bool { facts & fact.bit != 0 }

    /// True when the named fact holds.
    package func holds(_ fact: String) -> Bool { holds(Fact(fact)) }

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
        case .fact(let fact): return holds(fact)
        case .all(let parts): return parts.allSatisfy { evaluate($0) }
        case .any(let parts): return parts.contains { evaluate($0) }
        case .not(let inner): return !evaluate(inner)
        case .field(let name, let test, let known):
            let value = self.value(of: name, known: known)
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
        func insert(_ fact: Fact) { facts |= fact.bit }
        let containerID = alert[.containerId]
        if containerID == "host" {
            insert(.onHost)
        } else if containerID != nil || alert[.containerImageRepository] != nil {
            insert(.inContainer)
        }
        if let tty = alert.integer(.procTty) {
            insert(tty != 0 ? "has_tty" : "no_tty")
        }
        if let uid = alert.integer(.userUid) {
            if uid == 0 { insert(.isRoot) }
        } else if alert[.userName] == "root" {
            insert(.isRoot)
        }
        if let login = alert.integer(.userLoginuid) {
            insert(login >= 0 && login != 4_294_967_295 ? "login_uid_set" : "no_login_uid")
        }
        if let parent = alert[.procPname] {
            if shells.contains(parent) { insert(.parentIsShell) }
            if containerRuntimes.contains(parent) { insert(.parentIsContainerRuntime) }
        }
        if alert[.k8sPodName] != nil || alert[.k8sNsName] != nil { insert(.inKubernetes) }
        if alert[.containerPrivileged] == "true" { insert(.privilegedContainer) }
        let flags = alert[.evtArgFlags] ?? ""
        if flags.containsBytes("EXE_WRITABLE") || flags.containsBytes("EXE_UPPER_LAYER")
            || flags.containsBytes("EXE_FROM_MEMFD")
            || alert[.procIsExeWritable] == "true" || alert[.procIsExeUpperLayer] == "true"
        {
            insert(.exeWritable)
        }
        if alert.isSourceInferred { insert(.sourceInferred) }
        return facts
    }
}

/// A derived fact about an alert (docs/knowledge-base.md, "Facts"), as a bit: conditions name facts, and the loader
/// resolves each name once so that checking one is a bit test.
package struct Fact: Sendable, Equatable, ExpressibleByStringLiteral {
    let bit: UInt32
    package let name: String

    private init(bit: UInt32, name: String) {
        self.bit = bit
        self.name = name
    }

    /// The fact with this name; an unknown name gets no bit and never holds (the linter reports it).
    package init(_ name: String) {
        self = Self.all.first { $0.name == name } ?? Fact(bit: 0, name: name)
    }

    package init(stringLiteral name: String) { self.init(name) }

    /// True for a name that is one of Falconer's facts.
    package var isKnown: Bool { bit != 0 }

    package static let inContainer = Fact(bit: 1 << 0, name: "in_container")
    package static let onHost = Fact(bit: 1 << 1, name: "on_host")
    package static let hasTty = Fact(bit: 1 << 2, name: "has_tty")
    package static let noTty = Fact(bit: 1 << 3, name: "no_tty")
    package static let isRoot = Fact(bit: 1 << 4, name: "is_root")
    package static let loginUidSet = Fact(bit: 1 << 5, name: "login_uid_set")
    package static let noLoginUid = Fact(bit: 1 << 6, name: "no_login_uid")
    package static let parentIsShell = Fact(bit: 1 << 7, name: "parent_is_shell")
    package static let parentIsContainerRuntime = Fact(bit: 1 << 8, name: "parent_is_container_runtime")
    package static let inKubernetes = Fact(bit: 1 << 9, name: "in_kubernetes")
    package static let privilegedContainer = Fact(bit: 1 << 10, name: "privileged_container")
    package static let exeWritable = Fact(bit: 1 << 11, name: "exe_writable")
    package static let sourceInferred = Fact(bit: 1 << 12, name: "source_inferred")

    package static let all: [Fact] = [
        .inContainer, .onHost, .hasTty, .noTty, .isRoot, .loginUidSet, .noLoginUid, .parentIsShell,
        .parentIsContainerRuntime, .inKubernetes, .privilegedContainer, .exeWritable, .sourceInferred,
    ]
}
