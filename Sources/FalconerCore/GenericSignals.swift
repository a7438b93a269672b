/// The verdict signals every alert gets, whatever its rule. Playbooks add rule-specific ones; a playbook signal on
/// the same fact replaces the generic one (no double counting).
struct GenericSignal: Sendable {
    let id: String
    /// The facts and fields this signal rests on: a playbook signal that tests any of them replaces it.
    let basis: [String]
    /// The weight when the signal fires, or nil when it does not.
    let weight: @Sendable (AlertContext) -> Int?
    /// The reason's sentence: made per alert when it names alert values, else the same `Text` every time.
    let detail: @Sendable (AlertContext) -> Text

    init(
        id: String, basis: [String], weight: @escaping @Sendable (AlertContext) -> Int?,
        detail: @escaping @Sendable (AlertContext) -> String
    ) {
        self.id = id
        self.basis = basis
        self.weight = weight
        self.detail = { Text(detail($0)) }
    }

    /// A signal that picks its sentence among texts made once.
    init(
        id: String, basis: [String], weight: @escaping @Sendable (AlertContext) -> Int?,
        textDetail: @escaping @Sendable (AlertContext) -> Text
    ) {
        self.id = id
        self.basis = basis
        self.weight = weight
        self.detail = textDetail
    }

    /// A signal whose sentence never changes: its `Text` is made once.
    init(id: String, basis: [String], weight: @escaping @Sendable (AlertContext) -> Int?, fixedDetail: String) {
        self.id = id
        self.basis = basis
        self.weight = weight
        let text = Text(fixedDetail)
        self.detail = { _ in text }
    }
}

enum GenericSignals {
    static let servicePrograms: Set<String> = [
        "apache2", "httpd", "nginx", "php-fpm", "php", "java", "node", "tomcat", "lighttpd", "caddy", "mysqld",
        "postgres", "mongod", "redis-server", "uwsgi", "gunicorn",
    ]
    static let sensitivePrefixes = [
        "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/pam.d", "/root/.ssh", "/etc/ssh/", "/etc/kubernetes/",
        "/var/run/secrets/kubernetes.io", "/run/secrets/kubernetes.io", "/var/lib/kubelet/pki", "/etc/ld.so.preload",
        "/var/run/docker.sock", "/run/containerd/containerd.sock", "/proc/kcore", "/dev/mem",
    ]
    static let sensitiveFragments = [
        "/.ssh/", "/.aws/credentials", "/.kube/config", "/.docker/config.json", "id_rsa", "id_ed25519",
    ]

    static let stableRuleDetail = Text("The rule is in Falco's stable set, tuned for few false positives.")
    static let experimentalRuleDetail = Text(
        "The rule is experimental (sandbox or deprecated maturity) and fires on more benign activity.")

    static let all: [GenericSignal] = [
        GenericSignal(
            id: "rule_maturity", basis: [],
            weight: { context in
                let tags = context.tags
                if tags.contains("maturity_stable") { return 5 }
                if tags.contains("maturity_sandbox") || tags.contains("maturity_deprecated") { return -5 }
                return nil
            },
            textDetail: { context in
                context.tags.contains("maturity_stable") ? stableRuleDetail : experimentalRuleDetail
            }),
        GenericSignal(
            id: "in_container", basis: ["in_container", "container.id"], weight: { $0.holds(.inContainer) ? 5 : nil },
            fixedDetail:
                "It happened inside a container, where interactive and administrative activity is rarer than on a host."
        ),
        GenericSignal(
            id: "privileged_container", basis: ["privileged_container", "container.privileged"],
            weight: { $0.holds(.privilegedContainer) ? 10 : nil },
            fixedDetail: "The container is privileged, so what runs in it can reach the host."),
        GenericSignal(
            id: "root_user", basis: ["is_root", "user.uid", "user.name"],
            weight: { $0.alert.source == "syscall" && $0.holds(.isRoot) ? 5 : nil },
            fixedDetail: "The process runs as root (uid 0), so it can read or change anything on its host or container."
        ),
        GenericSignal(
            id: "interactive_tty", basis: ["has_tty", "proc.tty"],
            weight: { context in
                context.holds(.hasTty) && context.holds(.parentIsShell) && context.holds(.loginUidSet)
                    ? -10 : nil
            },
            detail: { context in
                "An interactive shell with a terminal, behind login uid \(context.loginUID ?? "?"): a person at a keyboard, which is how administration looks."
            }),
        GenericSignal(
            id: "no_tty", basis: ["no_tty", "proc.tty"], weight: { $0.holds(.noTty) ? 5 : nil },
            fixedDetail: "No terminal is attached: nobody typed this interactively, so a program or script did it."),
        GenericSignal(
            id: "service_parent", basis: ["proc.pname", "parent_is_shell"],
            weight: { context in
                guard let parent = context.alert[.procPname], servicePrograms.contains(parent) else { return nil }
                return 15
            },
            detail: { context in
                "The parent is \(context.alert[.procPname] ?? "a service"), a network-facing service; a service spawning this is a classic sign of exploitation."
            }),
        GenericSignal(
            id: "exe_not_from_image", basis: ["exe_writable", "evt.arg.flags"],
            weight: { $0.holds(.exeWritable) ? 15 : nil },
            fixedDetail:
                "The executable is writable, in the container's upper layer or in memory: it was not shipped in the image."
        ),
        GenericSignal(
            id: "sensitive_target", basis: ["fd.name", "target.path"],
            weight: { context in
                guard let path = context.target.path else { return nil }
                let hit =
                    sensitivePrefixes.contains { path.hasPrefix($0) }
                    || sensitiveFragments.contains { path.containsBytes($0) }
                return hit ? 10 : nil
            },
            detail: { context in "The target \(context.target.path ?? "") holds credentials or controls the system." }),
        GenericSignal(
            id: "missing_metadata", basis: [],
            weight: { context in
                let alert = context.alert
                if context.holds(.inContainer) && alert[.containerImageRepository] == nil { return 3 }
                return alert.unknownFields.count >= 3 ? 3 : nil
            },
            fixedDetail:
                "Falco could not resolve some metadata (image, names or ancestors), which lowers confidence either way."
        ),
        GenericSignal(
            id: "anonymous_user", basis: ["ka.user.name"],
            weight: { $0.alert[.kaUserName] == "system:anonymous" ? 15 : nil },
            fixedDetail: "The request was made without credentials (system:anonymous)."),
        GenericSignal(
            id: "request_denied", basis: ["ka.response.code"],
            weight: { context in
                guard let code = context.alert[.kaResponseCode], code.hasPrefix("4") else { return nil }
                return -10
            },
            detail: { context in
                "The API server refused the request (HTTP \(context.alert[.kaResponseCode] ?? "4xx")), so the attempt failed."
            }),
        GenericSignal(
            id: "cloud_call_failed", basis: ["ct.error"],
            weight: { $0.alert[.ctError] != nil ? -5 : nil },
            detail: { context in
                "The cloud API call failed (\(context.alert[.ctError]?.prefix(80) ?? "error")), so it had no effect."
            }),
    ]
}

/// Investigation steps and mitigations for alerts without a playbook, by source and event shape, taken from the
/// shared snippets (`knowledge/shared/`), so generic advice is reviewed data too.
enum GenericContent {
    static func steps(for context: AlertContext, snippets: [String: Snippet]) -> [InvestigationStep] {
        var ids: [String] = []
        let alert = context.alert
        switch alert.source {
        case "k8s_audit": ids = ["generic.k8s_object", "generic.k8s_user_rights", "generic.k8s_user_bindings"]
        case "aws_cloudtrail": ids = ["generic.aws_events_by_user", "generic.aws_events_by_name"]
        case "gcp_auditlog": ids = ["generic.gcp_audit_log", "generic.gcp_iam_policy"]
        case "github": ids = ["generic.github_repo_events"]
        case "okta": ids = ["okta.actor_activity_after", "okta.ip_events_before"]
        default:
            ids = ["generic.process_by_pid", "generic.parent_by_pid"]
            switch context.target.kind {
            case .file: ids += ["generic.file_stat", "generic.file_package_owner", "container.file_stat"]
            case .network: ids += ["generic.connection_peer"]
            case .process: ids += ["generic.target_process", "container.target_process"]
            default: break
            }
            if context.holds(.inContainer) {
                ids += ["container.inspect", "k8s.describe_pod"]
            } else {
                ids += ["host.process_tree", "host.account_of_loginuid", "host.sudo_journal"]
            }
        }
        return ids.compactMap { id in
            if case .investigation(let step) = snippets[id] { return step }
            return nil
        }
    }

    static func mitigations(for context: AlertContext, snippets: [String: Snippet]) -> [Mitigation] {
        var ids: [String] = []
        switch context.alert.source {
        case "syscall", "unknown":
            ids = ["generic.pause_process"]
            if context.holds(.inKubernetes) { ids += ["k8s.pause_by_isolation", "k8s.drop_capabilities"] }
            if context.holds(.inContainer) && !context.holds(.inKubernetes) { ids += ["generic.stop_container"] }
        default: ids = []
        }
        return ids.compactMap { id in
            if case .mitigation(let mitigation) = snippets[id] { return mitigation }
            return nil
        }
    }

    /// Whether an investigation step applies: its `when`, if any, holds.
    static func applies(_ step: InvestigationStep, to context: AlertContext) -> Bool {
        step.condition.map { context.evaluate($0) } ?? true
    }

    /// Whether a mitigation applies: its `when` must hold, container-only snippets (ids `k8s.*`, `container.*`)
    /// are dropped for host alerts, and host-only snippets (`host.*`) for container alerts.
    static func applies(_ mitigation: Mitigation, to context: AlertContext) -> Bool {
        if let condition = mitigation.condition, !context.evaluate(condition) { return false }
        guard let id = mitigation.snippet else { return true }
        if id.hasPrefix("k8s.") || id.hasPrefix("container.") { return context.holds(.inContainer) }
        if id.hasPrefix("host.") { return !context.holds(.inContainer) }
        return true
    }
}
