/// Everything Falconer concluded about one alert; renderers turn it into Markdown or JSON.
package struct Report: Sendable {
    package var alert: Alert
    package var summary: String
    package var verdict: Verdict
    package var entities: Entities
    package var attack: [AttackMapping]
    package var investigation: [RenderedStep]
    package var mitigations: [RenderedMitigation]
    package var tuning: TuningAdvice
    package var recommendations: [Text]
    package var caveats: [String]
    /// What the rule detects and why it matters (from the playbook or the user's rules file).
    package var ruleDescription: Text?
    package var benign: [Text]
    /// The exact Falco rule name of the playbook used, or nil.
    package var playbook: String?
    package var playbookVersion: Int?
    package var knowledgeVersion: String
}

/// The assessment and the reasons behind it.
package struct Verdict: Sendable, Equatable {
    package enum Assessment: String, Sendable, CaseIterable {
        case likelyBenign = "likely_benign", needsReview = "needs_review", suspicious, malicious

        /// The assessment in words: `likely benign`.
        package var label: String {
            switch self {
            case .likelyBenign: "likely benign"
            case .needsReview: "needs review"
            case .suspicious: "suspicious"
            case .malicious: "malicious"
            }
        }
    }
    package enum Severity: String, Sendable, CaseIterable { case info, low, medium, high, critical }
    package var assessment: Assessment
    /// 0-100.
    package var riskScore: Int
    package var severity: Severity
    package var reasons: [Reason]
}

/// One contribution to the risk score.
package struct Reason: Sendable, Equatable {
    package var signal: String
    package var weight: Int
    package var detail: Text
}

/// Who did what, where, to what.
package struct Entities: Sendable {
    package struct Process: Sendable {
        package var name: String?
        package var pid: Int64?
        package var exepath: String?
        package var cmdline: String?
        package var cwd: String?
        package var parent: Parent?
        /// Ancestors above the parent: `proc.aname[2]` (grandparent) upward, with pids when known.
        package var ancestors: [(name: String, pid: Int64?)]
    }
    package struct Parent: Sendable {
        package var name: String?
        package var pid: Int64?
        package var exepath: String?
        package var cmdline: String?
    }
    package struct User: Sendable {
        package var name: String?
        package var uid: Int64?
        /// The audit login uid: -1 when no login session is behind the process.
        package var loginuid: Int64?
        package var loginname: String?
        /// A sentence explaining what the login uid means for attribution.
        package var attribution: String?
    }
    package struct Container: Sendable {
        package var id: String?
        package var name: String?
        package var image: String?
        package var privileged: Bool?
    }
    package struct Kubernetes: Sendable {
        package var namespace: String?
        package var pod: String?
    }
    /// The principal behind an audit or cloud event (Kubernetes user, IAM identity, GitHub or Okta user).
    package struct Actor: Sendable {
        package var name: String
        package var kind: String
        package var sourceIP: String?
    }

    package var process: Process?
    package var user: User?
    package var container: Container?
    package var kubernetes: Kubernetes?
    package var actor: Actor?
    package var hostname: String?
    /// True on the host (container.id `host`), false in a container, nil when unknown.
    package var isHost: Bool?
    package var target: Target
}

/// An ATT&CK technique attached to the report.
package struct AttackMapping: Sendable, Equatable {
    package enum Origin: String, Sendable { case ruleTag = "rule tag", playbook }
    package var id: String
    package var name: String
    package var fullName: String
    package var tactics: [String]
    package var origin: Origin
    package var note: Text?
}

/// An investigation step with its placeholders filled.
package struct RenderedStep: Sendable, Equatable {
    package var title: Text
    package var command: String
    package var lookFor: Text
    package var reference: Text
}

/// A mitigation with its placeholders filled.
package struct RenderedMitigation: Sendable, Equatable {
    package var title: Text
    package var kind: String
    package var isDisruptive: Bool
    package var commands: [String]
    /// A configuration snippet (language, text) with its placeholders filled.
    package var config: RenderedConfig?
    package var undo: String?
    package var reach: Text
    package var reference: Text
}

/// A configuration snippet with its placeholders filled.
package struct RenderedConfig: Sendable, Equatable {
    package var language: String
    package var text: String
}

/// How to tune Falco for this alert.
package struct TuningAdvice: Sendable, Equatable {
    /// A Falco rules-file snippet (YAML) adding an exception; nil when the alert lacks the values to scope one.
    package var exceptionYAML: String?
    package var macro: String?
    package var notes: String
}
