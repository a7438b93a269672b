/// The entity keys an alert can join an incident on (docs/incidents.md, "Grouping"). Values that mean "unknown" or
/// "shared by everyone" never make a key: container.id `host`, login uid -1/4294967295, tty 0, system:anonymous,
/// `<NA>`. Pids are only ever keyed together with their host.
package enum JoinKeys {
    package struct Key: Sendable {
        package var value: HashedKey
        /// Look this key up to find an incident to join.
        package var lookup: Bool
        /// Register this key so later alerts can join through it.
        package var register: Bool
        /// What the key stands for; the sentence is made only when an alert does join through it (rarely, next to
        /// building every key).
        let why: Why

        /// Why an alert joined through this key, for the report.
        package var reason: String { why.sentence }
    }

    /// The entity behind a key, with the values its sentence names.
    enum Why: Sendable {
        case container(String, host: String)
        case pod(String)
        case session(Int64, host: String)
        case processGroup(Int64, host: String)
        case login(uid: Int64, tty: Int64, host: String)
        case process(Int64, host: String)
        case child(Int64, host: String)
        case descendant(Int64, host: String)
        case kubernetesUser(String)
        case kubernetesObject(resource: String, namespace: String, name: String)
        case podEntry(subresource: String, pod: String)
        case principal(label: String, value: String)

        var sentence: String {
            switch self {
            case .container(let id, let host): "same container \(id.prefix(12)) on \(host)"
            case .pod(let pod): "same pod \(pod)"
            case .session(let sid, let host): "same session (sid \(sid)) on \(host)"
            case .processGroup(let group, let host): "same process group \(group) on \(host)"
            case .login(let uid, let tty, let host): "same login session (login uid \(uid), tty \(tty)) on \(host)"
            case .process(let pid, let host): "same process (pid \(pid)) on \(host)"
            case .child(let pid, let host): "child of pid \(pid) on \(host)"
            case .descendant(let pid, let host): "descendant of pid \(pid) on \(host)"
            case .kubernetesUser(let user): "same Kubernetes user \(user)"
            case .kubernetesObject(let resource, let namespace, let name):
                "same Kubernetes object \(resource) \(namespace)/\(name)"
            case .podEntry(let subresource, let pod): "\(subresource) into pod \(pod)"
            case .principal(let label, let value): "same \(label) \(value)"
            }
        }
    }

    private static let sharedUsers: Set<String> = ["system:anonymous", "system:unauthenticated", "anonymous"]
    private static let ancestorPIDFields = (2...7).compactMap { KnownField.ancestorPIDs[$0] }
    private static let principalFields: [(KnownField, String)] = [
        (.ctUserArn, "AWS identity"), (.ctUser, "AWS identity"), (.gcpUser, "GCP principal"),
        (.githubUser, "GitHub user"), (.oktaActorName, "Okta user"),
    ]

    /// `parts` joined with `|`, built as bytes: one String per key.
    private static func key(_ parts: String...) -> HashedKey {
        var text = TextBuilder(capacity: 64)
        for (index, part) in parts.enumerated() {
            if index > 0 { text += "|" }
            text += part
        }
        return HashedKey(text.string)
    }

    package static func keys(for alert: Alert) -> [Key] {
        var keys: [Key] = []
        keys.reserveCapacity(8)
        let host = alert.hostname ?? alert[.evtHostname] ?? "?"
        func add(_ value: HashedKey, _ why: Why, lookup: Bool = true, register: Bool = true) {
            keys.append(Key(value: value, lookup: lookup, register: register, why: why))
        }
        let container = alert[.containerId]
        if let container, container != "host" {
            add(key("container", host, container), .container(container, host: host))
        }
        if let ns = alert[.k8sNsName], let pod = alert[.k8sPodName] {
            let name = ns + "/" + pod
            add(key("pod", name), .pod(name))
        }
        // Login sessions on one host.
        if let sid = alert.integer(.procSid), sid > 1 {
            add(key("sid", host, String(sid)), .session(sid, host: host))
        }
        if let group = alert.integer(.procVpgid), group > 1 {
            add(key("pgid", host, container ?? "", String(group)), .processGroup(group, host: host))
        }
        if let login = alert.integer(.userLoginuid), login >= 0, login != 4_294_967_295,
            let tty = alert.integer(.procTty), tty != 0
        {
            add(key("login", host, String(login), String(tty)), .login(uid: login, tty: tty, host: host))
        }
        // Process lineage on one host (and in one container: pid namespaces repeat small pids).
        let scope = container ?? "host"
        if let pid = alert.integer(.procPid), pid > 1 {
            add(key("pid", host, scope, String(pid)), .process(pid, host: host))
        }
        if let ppid = alert.integer(.procPpid), ppid > 1 {
            add(key("pid", host, scope, String(ppid)), .child(ppid, host: host))
        }
        for field in Self.ancestorPIDFields {
            guard let pid = alert.integer(field), pid > 1 else { continue }
            add(key("pid", host, scope, String(pid)), .descendant(pid, host: host), register: false)
        }
        // Kubernetes audit: the object, the user, and exec/attach into a pod.
        if let user = alert[.kaUserName], !sharedUsers.contains(user) {
            add(key("k8suser", user), .kubernetesUser(user))
        }
        if let name = alert[.kaTargetName] {
            let ns = alert[.kaTargetNamespace] ?? ""
            let resource = alert[.kaTargetResource] ?? ""
            add(key("k8sobj", resource, ns, name), .kubernetesObject(resource: resource, namespace: ns, name: name))
            if resource == "pods", !ns.isEmpty, let sub = alert[.kaTargetSubresource],
                sub == "exec" || sub == "attach"
            {
                let pod = ns + "/" + name
                add(key("pod", pod), .podEntry(subresource: sub, pod: pod))
            }
        }
        // Cloud and SaaS principals.
        for (field, label) in Self.principalFields {
            guard let value = alert[field], !sharedUsers.contains(value) else { continue }
            add(key("principal", alert.source, value), .principal(label: label, value: value))
            break
        }
        return keys
    }
}

/// Fingerprints for deduplication and storm detection (docs/incidents.md, "Noise").
package enum Fingerprint {
    /// Fields that identify what happened, for collapsing exact repeats. Never pids, times or `output`.
    package static let identifyingFields = [
        "container.id", "k8s.ns.name", "k8s.pod.name", "proc.exepath", "proc.name", "proc.cmdline", "proc.pname",
        "user.name", "user.loginuid", "fd.name", "evt.type", "ka.user.name", "ka.verb", "ka.uri", "ka.target.resource",
        "ka.target.namespace", "ka.target.name", "ka.target.subresource", "ct.user", "ct.name", "ct.srcip", "ct.region",
        "gcp.user", "gcp.methodName", "gcp.projectId", "github.user", "github.repo", "github.action",
        "okta.actor.name", "okta.evt.type", "okta.client.ip",
    ]

    private static let identifying = identifyingFields.map { (name: $0, known: KnownField(named: $0)) }

    /// Rule, source, host and the identifying fields present (`name=value`), separated by U+001F.
    package static func of(_ alert: Alert) -> String {
        var text = TextBuilder(capacity: 256)
        visit(alert) { text += $0 }
        return text.string
    }

    /// The fingerprint as the correlator keeps it: hashed while it is built, never joined into one String.
    package static func key(of alert: Alert) -> FingerprintKey {
        // The pieces are gathered into one buffer and each hash runs once over it (FNV-1a over the concatenation is
        // FNV-1a over the pieces in turn, so the stable ids are unchanged).
        var text = TextBuilder(capacity: 256)
        visit(alert) { text += $0 }
        return text.withBytes { bytes in
            var hasher = Hasher()
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
            var fnv = FNV1a()
            fnv.addBytes(bytes)
            fnv.endPart()
            return FingerprintKey(seeded: hasher.finalize(), stable: fnv)
        }
    }

    /// Calls `body` with the fingerprint's pieces in order (their concatenation is `of(_:)`).
    private static func visit(_ alert: Alert, _ body: (String) -> Void) {
        body(alert.rule)
        body("\u{1F}")
        body(alert.source)
        body("\u{1F}")
        body(alert.hostname ?? "")
        for field in identifying {
            guard let value = field.known.map({ alert[$0] }) ?? alert[field.name] else { continue }
            body("\u{1F}")
            body(field.name)
            body("=")
            body(value)
        }
    }

    /// The workload an alert belongs to: namespace and image repository in a container, else the host; for audit
    /// and cloud rules the principal.
    package static func workload(of alert: Alert) -> String {
        if let user = alert[.kaUserName] ?? alert[.ctUser] ?? alert[.gcpUser] ?? alert[.githubUser]
            ?? alert[.oktaActorName]
        {
            return user
        }
        if let container = alert[.containerId], container != "host" {
            let image = alert[.containerImageRepository] ?? alert[.containerName] ?? container
            if let ns = alert[.k8sNsName] { return "\(ns)/\(Self.shortImage(image))" }
            return image
        }
        return "host \(alert.hostname ?? "unknown")"
    }

    /// The coarse key for storms: rule + workload.
    package static func stormKey(of alert: Alert) -> String? {
        var text = TextBuilder(capacity: 96)
        text += alert.rule
        text += "\u{1F}"
        text += workload(of: alert)
        return text.string
    }

    /// The last path component of an image repository (`registry/team/web` -> `web`).
    private static func shortImage(_ image: String) -> String {
        guard let slash = image.utf8.lastIndex(of: UInt8(ascii: "/")) else { return image }
        let last = image[image.utf8.index(after: slash)...]
        // A trailing slash: the component before it, as `split` would give.
        return last.isEmpty ? image.split(separator: "/").last.map(String.init) ?? image : String(last)
    }
}

/// What the correlator needs of one alert, computed where the alert is analysed (in parallel) rather than on the
/// correlator's single thread.
package struct CorrelationKeys: Sendable {
    package var keys: [JoinKeys.Key]
    package var fingerprint: FingerprintKey
    package var stormKey: HashedKey?

    package static func of(_ alert: Alert) -> CorrelationKeys {
        CorrelationKeys(
            keys: JoinKeys.keys(for: alert), fingerprint: Fingerprint.key(of: alert),
            stormKey: Fingerprint.stormKey(of: alert).map(HashedKey.init))
    }
}

/// A String with its hash worked out once, where the alert is analysed (in parallel): the correlator's dictionaries
/// and sets hash its join keys and fingerprints many times on its one thread. The hash is Swift's own, seeded per
/// process, so crafted alerts cannot collide keys on purpose (no hash flooding).
package struct HashedKey: Hashable, Sendable, CustomStringConvertible {
    package let text: String
    private let hash: Int

    package init(_ text: String) {
        self.text = text
        hash = text.hashValue
    }

    package func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    package static func == (lhs: HashedKey, rhs: HashedKey) -> Bool { lhs.hash == rhs.hash && lhs.text == rhs.text }

    package var description: String { text }
}

/// An alert's fingerprint as two hashes of `Fingerprint.of(_:)`: Swift's per-process seeded hash, which crafted
/// alerts cannot collide on purpose, and FNV-1a, stable across runs, from which incident and member ids continue.
/// Both must match for two alerts to count as repeats (128 bits; an accidental match is never expected).
package struct FingerprintKey: Hashable, Sendable {
    package let seeded: Int
    /// FNV-1a after adding the fingerprint text as one part (`FNV1a.add`).
    package let stable: FNV1a

    package func hash(into hasher: inout Hasher) { hasher.combine(seeded) }

    package static func == (lhs: FingerprintKey, rhs: FingerprintKey) -> Bool {
        lhs.seeded == rhs.seeded && lhs.stable.value == rhs.stable.value
    }
}
