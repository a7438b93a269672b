/// The object of the alerted action: the process traced, the file opened, the peer contacted, the Kubernetes or
/// cloud object touched.
package struct Target: Sendable, Equatable {
    package var kind: TargetKind
    package var pid: Int64?
    package var path: String?
    package var ip: String?
    package var port: String?
    /// Kubernetes object or cloud resource, described.
    package var resource: String?
    package var namespace: String?
    package var name: String?
    /// Where the target was found: a field name or "parsed from proc.cmdline".
    package var source: String?

    package init(kind: TargetKind) { self.kind = kind }

    /// Resolves the target from the alert; a playbook's `target` spec takes precedence over the generic rules.
    package static func resolve(_ alert: Alert, spec: TargetSpec?) -> Target {
        let kind = spec?.kind ?? guessKind(alert)
        var target = Target(kind: kind)
        switch kind {
        case .process:
            if let pid = alert.integer("evt.arg.pid") ?? alert.integer("evt.rawarg.pid") {
                target.pid = pid
                target.source = "evt.arg.pid"
            } else if let cmdline = alert["proc.cmdline"], let pid = tracedPID(inCommandLine: cmdline) {
                target.pid = pid
                target.source = "parsed from proc.cmdline"
            }
        case .file:
            let names = [spec?.field].compactMap { $0 } + fileFields
            for name in names {
                guard let value = alert[name], !value.containsBytes("->") else { continue }
                target.path = value
                target.source = name
                break
            }
        case .network:
            if let ip = alert["fd.rip"] {
                target.ip = ip
                target.port = alert["fd.rport"]
                target.source = "fd.rip"
            } else if let name = alert[spec?.field ?? "fd.name"],
                let peer = remoteEnd(ofConnection: name, inbound: isInbound(alert))
            {
                target.ip = peer.ip
                target.port = peer.port
                target.source = "parsed from \(spec?.field ?? "fd.name")"
            } else if isInbound(alert), let ip = alert["fd.cip"] {
                target.ip = ip
                target.port = alert["fd.cport"]
                target.source = "fd.cip"
            } else if !isInbound(alert), let ip = alert["fd.sip"] {
                target.ip = ip
                target.port = alert["fd.sport"]
                target.source = "fd.sip"
            }
        case .k8sObject:
            target.resource = alert["ka.target.resource"]
            target.namespace = alert["ka.target.namespace"]
            target.name = alert["ka.target.name"] ?? alert["ka.resp.name"]
            if let sub = alert["ka.target.subresource"], let resource = target.resource {
                target.resource = "\(resource)/\(sub)"
            }
            target.source = "ka.target.*"
        case .cloudResource:
            for name in [spec?.field].compactMap({ $0 }) + cloudFields {
                guard let value = alert[name] else { continue }
                target.name = value
                target.source = name
                break
            }
        case .none:
            break
        }
        return target
    }

    private static let fileFields = [
        "fd.name", "evt.arg.path", "evt.arg.filename", "evt.arg.name", "evt.arg.pathname", "evt.arg.newpath",
        "evt.arg.target", "fs.path.name",
    ]
    private static let cloudFields = [
        "s3.bucket", "ct.request.name", "ct.request.username", "ct.request.functionname", "ct.request.groupname",
        "ct.request.cluster", "gcp.storage.bucket", "gcp.cloudsql.databaseId", "gcp.cloudfunctions.function",
        "github.repo.name", "github.repo", "okta.target.user.name", "okta.target.app.alternateid",
        "okta.target.group.name", "gcp.resourceName",
    ]

    private static func guessKind(_ alert: Alert) -> TargetKind {
        switch alert.source {
        case "k8s_audit":
            return alert["ka.target.resource"] != nil || alert["ka.target.name"] != nil ? .k8sObject : .none
        case "aws_cloudtrail", "gcp_auditlog", "github", "okta": return .cloudResource
        default: break
        }
        if alert["evt.type"] == "ptrace" || alert["evt.arg.request"] != nil { return .process }
        if alert["fd.rip"] != nil || alert["fd.sip"] != nil { return .network }
        if let name = alert["fd.name"] {
            if remoteEnd(ofConnection: name) != nil { return .network }
            if name.hasPrefix("/") { return .file }
        }
        if fileFields.dropFirst().contains(where: { alert[$0]?.hasPrefix("/") == true }) { return .file }
        return .none
    }

    /// The pid a tracer was pointed at: `gdb -p N`, `gdb --pid=N`, `gdb --pid N`, `gdb PROG N`, `strace -p N`,
    /// `strace -pN`, `ltrace -p N`, `strace --attach=N`.
    package static func tracedPID(inCommandLine cmdline: String) -> Int64? {
        let words = cmdline.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first else { return nil }
        let program = first.split(separator: "/").last.map(String.init) ?? first
        var index = 1
        var positional: [String] = []
        while index < words.count {
            let word = words[index]
            if word == "-p" || word == "--pid" || word == "--attach" {
                if index + 1 < words.count, let pid = positivePID(words[index + 1]) { return pid }
                index += 2
                continue
            }
            for prefix in ["--pid=", "--attach=", "-p"] where word.hasPrefix(prefix) && word.count > prefix.count {
                if let pid = positivePID(String(word.dropFirst(prefix.count))) { return pid }
            }
            if word == "--args" { break }
            if !word.hasPrefix("-") { positional.append(word) }
            index += 1
        }
        // gdb PROGRAM PID: a second positional argument that is a number is the pid to attach to.
        if program == "gdb", positional.count >= 2, let pid = positivePID(positional[1]) { return pid }
        return nil
    }

    private static func positivePID(_ text: String) -> Int64? {
        guard let value = Int64(text), value > 0, value < 1 << 32 else { return nil }
        return value
    }

    /// True for an accepted connection: the alerted process is the server, so its peer is the client.
    static func isInbound(_ alert: Alert) -> Bool {
        alert["evt.type"]?.hasPrefix("accept") ?? false
    }

    /// The peer in Falco's connection notation `cip:cport->sip:sport` (client first, then server; IPv6 addresses may
    /// be bracketed): the server for an outbound connection, the client for an accepted one (`inbound`).
    package static func remoteEnd(ofConnection name: String, inbound: Bool = false) -> (ip: String, port: String?)? {
        guard let arrow = name.firstRange(of: "->") else { return nil }
        let remote = inbound ? name[..<arrow.lowerBound] : name[arrow.upperBound...]
        guard let colon = remote.lastIndex(of: ":") else { return nil }
        var ip = String(remote[..<colon])
        let port = String(remote[remote.index(after: colon)...])
        if ip.hasPrefix("["), ip.hasSuffix("]") { ip = String(ip.dropFirst().dropLast()) }
        guard !ip.isEmpty, port.allSatisfy({ $0.isNumber }) else { return nil }
        return (ip, port.isEmpty ? nil : port)
    }
}
