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
            if let pid = alert.integer(.evtArgPid) ?? alert.integer(.evtRawargPid) {
                target.pid = pid
                target.source = "evt.arg.pid"
            } else if let cmdline = alert[.procCmdline], let pid = tracedPID(inCommandLine: cmdline) {
                target.pid = pid
                target.source = "parsed from proc.cmdline"
            }
        case .file:
            if let name = spec?.field, let value = alert[name], !value.containsBytes("->") {
                target.path = value
                target.source = name
            } else {
                for field in fileFields {
                    guard let value = alert[field], !value.containsBytes("->") else { continue }
                    target.path = value
                    target.source = field.name
                    break
                }
            }
        case .network:
            if let ip = alert[.fdRip] {
                target.ip = ip
                target.port = alert[.fdRport]
                target.source = "fd.rip"
            } else if let name = alert[spec?.field ?? "fd.name"],
                let peer = remoteEnd(ofConnection: name, inbound: isInbound(alert))
            {
                target.ip = peer.ip
                target.port = peer.port
                target.source = "parsed from \(spec?.field ?? "fd.name")"
            } else if isInbound(alert), let ip = alert[.fdCip] {
                target.ip = ip
                target.port = alert[.fdCport]
                target.source = "fd.cip"
            } else if !isInbound(alert), let ip = alert[.fdSip] {
                target.ip = ip
                target.port = alert[.fdSport]
                target.source = "fd.sip"
            }
        case .k8sObject:
            target.resource = alert[.kaTargetResource]
            target.namespace = alert[.kaTargetNamespace]
            target.name = alert[.kaTargetName] ?? alert[.kaRespName]
            if let sub = alert[.kaTargetSubresource], let resource = target.resource {
                target.resource = "\(resource)/\(sub)"
            }
            target.source = "ka.target.*"
        case .cloudResource:
            if let name = spec?.field, let value = alert[name] {
                target.name = value
                target.source = name
            } else {
                for field in cloudFields {
                    guard let value = alert[field] else { continue }
                    target.name = value
                    target.source = field.name
                    break
                }
            }
        case .none:
            break
        }
        return target
    }

    private static let fileFields: [KnownField] = [
        .fdName, .evtArgPath, .evtArgFilename, .evtArgName, .evtArgPathname, .evtArgNewpath, .evtArgTarget,
        .fsPathName,
    ]
    private static let cloudFields: [KnownField] = [
        .s3Bucket, .ctRequestName, .ctRequestUsername, .ctRequestFunctionname, .ctRequestGroupname,
        .ctRequestCluster, .gcpStorageBucket, .gcpCloudsqlDatabaseId, .gcpCloudfunctionsFunction, .githubRepoName,
        .githubRepo, .oktaTargetUserName, .oktaTargetAppAlternateid, .oktaTargetGroupName, .gcpResourceName,
    ]

    private static func guessKind(_ alert: Alert) -> TargetKind {
        switch alert.source {
        case "k8s_audit":
            return alert[.kaTargetResource] != nil || alert[.kaTargetName] != nil ? .k8sObject : .none
        case "aws_cloudtrail", "gcp_auditlog", "github", "okta": return .cloudResource
        default: break
        }
        if alert[.evtType] == "ptrace" || alert[.evtArgRequest] != nil { return .process }
        if alert[.fdRip] != nil || alert[.fdSip] != nil { return .network }
        if let name = alert[.fdName] {
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
        alert[.evtType]?.hasPrefix("accept") ?? false
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
