/// The entity keys an alert can join an incident on (docs/incidents.md, "Grouping"). Values that mean "unknown" or
/// "shared by everyone" never make a key: container.id `host`, login uid -1/4294967295, tty 0, system:anonymous,
/// `<NA>`. Pids are only ever keyed together with their host.
package enum JoinKeys {
    package struct Key: Sendable {
        package var value: String
        /// Look this key up to find an incident to join.
        package var lookup: Bool
        /// Register this key so later alerts can join through it.
        package var register: Bool
        /// Formats the reason only when an alert does join through the key (rarely, next to building every key).
        let describe: @Sendable () -> String

        /// Why an alert joined through this key, for the report.
        package var reason: String { describe() }
    }

    private static let sharedUsers: Set<String> = ["system:anonymous", "system:unauthenticated", "anonymous"]
    private static let ancestorPIDFields = (2...7).map { "proc.apid[\($0)]" }
    private static let principalFields = [
        ("ct.user.arn", "AWS identity"), ("ct.user", "AWS identity"), ("gcp.user", "GCP principal"),
        ("github.user", "GitHub user"), ("okta.actor.name", "Okta user"),
    ]

    package static func keys(for alert: Alert) -> [Key] {
        var keys: [Key] = []
        let host = alert.hostname ?? alert[.evtHostname] ?? "?"
        func add(
            _ value: String, _ reason: @autoclosure @escaping @Sendable () -> String, lookup: Bool = true,
            register: Bool = true
        ) {
            keys.append(Key(value: value, lookup: lookup, register: register, describe: reason))
        }
        let container = alert[.containerId]
        if let container, container != "host" {
            add("container|\(host)|\(container)", "same container \(container.prefix(12)) on \(host)")
        }
        if let ns = alert[.k8sNsName], let pod = alert[.k8sPodName] {
            add("pod|\(ns)/\(pod)", "same pod \(ns)/\(pod)")
        }
        // Login sessions on one host.
        if let sid = alert.integer(.procSid), sid > 1 {
            add("sid|\(host)|\(sid)", "same session (sid \(sid)) on \(host)")
        }
        if let group = alert.integer(.procVpgid), group > 1 {
            add("pgid|\(host)|\(container ?? "")|\(group)", "same process group \(group) on \(host)")
        }
        if let login = alert.integer(.userLoginuid), login >= 0, login != 4_294_967_295,
            let tty = alert.integer(.procTty), tty != 0
        {
            add("login|\(host)|\(login)|\(tty)", "same login session (login uid \(login), tty \(tty)) on \(host)")
        }
        // Process lineage on one host (and in one container: pid namespaces repeat small pids).
        let scope = "\(host)|\(container ?? "host")"
        if let pid = alert.integer(.procPid), pid > 1 {
            add("pid|\(scope)|\(pid)", "same process (pid \(pid)) on \(host)")
        }
        if let ppid = alert.integer(.procPpid), ppid > 1 {
            add("pid|\(scope)|\(ppid)", "child of pid \(ppid) on \(host)")
        }
        for name in Self.ancestorPIDFields {
            guard let pid = alert.integer(name), pid > 1 else { continue }
            add("pid|\(scope)|\(pid)", "descendant of pid \(pid) on \(host)", register: false)
        }
        // Kubernetes audit: the object, the user, and exec/attach into a pod.
        if let user = alert[.kaUserName], !sharedUsers.contains(user) {
            add("k8suser|\(user)", "same Kubernetes user \(user)")
        }
        if let name = alert[.kaTargetName] {
            let ns = alert[.kaTargetNamespace] ?? ""
            let resource = alert[.kaTargetResource] ?? ""
            add("k8sobj|\(resource)|\(ns)|\(name)", "same Kubernetes object \(resource) \(ns)/\(name)")
            if resource == "pods", !ns.isEmpty, let sub = alert[.kaTargetSubresource],
                sub == "exec" || sub == "attach"
            {
                add("pod|\(ns)/\(name)", "\(sub) into pod \(ns)/\(name)")
            }
        }
        // Cloud and SaaS principals.
        for (field, label) in Self.principalFields {
            guard let value = alert[field], !sharedUsers.contains(value) else { continue }
            add("principal|\(alert.source)|\(value)", "same \(label) \(value)")
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

    /// Rule, source, host and the identifying fields present.
    package static func of(_ alert: Alert) -> String {
        var parts = [alert.rule, alert.source, alert.hostname ?? ""]
        for field in identifyingFields {
            if let value = alert[field] { parts.append("\(field)=\(value)") }
        }
        return parts.joined(separator: "\u{1F}")
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
        "\(alert.rule)\u{1F}\(workload(of: alert))"
    }

    private static func shortImage(_ image: String) -> String {
        image.split(separator: "/").last.map(String.init) ?? image
    }
}

/// What the correlator needs of one alert, computed where the alert is analysed (in parallel) rather than on the
/// correlator's single thread.
package struct CorrelationKeys: Sendable {
    package var keys: [JoinKeys.Key]
    package var fingerprint: String
    package var stormKey: String?

    package static func of(_ alert: Alert) -> CorrelationKeys {
        CorrelationKeys(
            keys: JoinKeys.keys(for: alert), fingerprint: Fingerprint.of(alert),
            stormKey: Fingerprint.stormKey(of: alert))
    }
}
