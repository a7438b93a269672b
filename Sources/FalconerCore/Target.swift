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
    /// Reads the command line's bytes in one pass, without splitting it into Strings (it runs for every ptrace alert).
    package static func tracedPID(inCommandLine cmdline: String) -> Int64? {
        var cmdline = cmdline
        return cmdline.withUTF8 { bytes -> Int64? in
            var words = WordScanner(bytes: bytes)
            guard let first = words.next() else { return nil }
            // The program's name: the last path component of the first word.
            var nameStart = first.lowerBound
            var nameEnd = first.upperBound
            while nameEnd > nameStart, bytes[nameEnd - 1] == UInt8(ascii: "/") { nameEnd -= 1 }
            if nameEnd > nameStart {
                var slash = nameEnd
                while slash > nameStart, bytes[slash - 1] != UInt8(ascii: "/") { slash -= 1 }
                nameStart = slash
            } else {
                nameEnd = first.upperBound
            }
            let isGDB = equals(bytes, nameStart..<nameEnd, "gdb")
            var positionals = 0
            var positionalPID: Int64?
            while let word = words.next() {
                if equals(bytes, word, "-p") || equals(bytes, word, "--pid") || equals(bytes, word, "--attach") {
                    // The word after the option is its value whether or not it is a pid.
                    if let value = words.next(), let pid = positivePID(bytes, value) { return pid }
                    continue
                }
                for prefix in Self.pidPrefixes {
                    let length = prefix.utf8.count
                    guard word.count > length, equals(bytes, word.lowerBound..<word.lowerBound + length, prefix) else {
                        continue
                    }
                    if let pid = positivePID(bytes, word.lowerBound + length..<word.upperBound) { return pid }
                }
                if equals(bytes, word, "--args") { break }
                if bytes[word.lowerBound] != UInt8(ascii: "-") {
                    positionals += 1
                    // gdb PROGRAM PID: a second positional argument that is a number is the pid to attach to.
                    if positionals == 2, isGDB { positionalPID = positivePID(bytes, word) }
                }
            }
            return positionalPID
        }
    }

    private static let pidPrefixes = ["--pid=", "--attach=", "-p"]

    /// The words of a command line, split at spaces and tabs, as ranges of its bytes.
    private struct WordScanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        mutating func next() -> Range<Int>? {
            while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
            guard position < bytes.count else { return nil }
            let start = position
            while position < bytes.count, bytes[position] != 0x20 && bytes[position] != 0x09 { position += 1 }
            return start..<position
        }
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        return ByteHash.equal(UnsafeBufferPointer(rebasing: bytes[range]), expected)
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: String) -> Bool {
        var word = word
        return word.withUTF8 { ByteHash.equal(UnsafeBufferPointer(rebasing: bytes[range]), $0) }
    }

    /// The bytes as a pid: a decimal integer (an optional `+`, as `Int64(_:)` reads it) in 1..<2^32.
    private static func positivePID(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int64? {
        var index = range.lowerBound
        if index < range.upperBound, bytes[index] == UInt8(ascii: "+") { index += 1 }
        guard index < range.upperBound else { return nil }
        var value: Int64 = 0
        while index < range.upperBound {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            if value >= 1 << 32 { return nil }
            index += 1
        }
        return value > 0 ? value : nil
    }

    /// True for an accepted connection: the alerted process is the server, so its peer is the client.
    static func isInbound(_ alert: Alert) -> Bool {
        alert[.evtType]?.hasPrefix("accept") ?? false
    }

    /// The peer in Falco's connection notation `cip:cport->sip:sport` (client first, then server; IPv6 addresses may
    /// be bracketed): the server for an outbound connection, the client for an accepted one (`inbound`).
    /// The ends are found by bytes (the name of every network alert goes through here); `[...]` and the port are then
    /// checked on the two Strings.
    package static func remoteEnd(ofConnection name: String, inbound: Bool = false) -> (ip: String, port: String?)? {
        var name = name
        let ranges = name.withUTF8 { bytes -> (ip: Range<Int>, port: Range<Int>)? in
            var arrow = 0
            while arrow + 1 < bytes.count, bytes[arrow] != UInt8(ascii: "-") || bytes[arrow + 1] != UInt8(ascii: ">") {
                arrow += 1
            }
            guard arrow + 1 < bytes.count else { return nil }
            let remote = inbound ? 0..<arrow : arrow + 2..<bytes.count
            var colon = remote.upperBound - 1
            while colon >= remote.lowerBound, bytes[colon] != UInt8(ascii: ":") { colon -= 1 }
            guard colon >= remote.lowerBound else { return nil }
            return (remote.lowerBound..<colon, colon + 1..<remote.upperBound)
        }
        guard let ranges else { return nil }
        let utf8 = name.utf8
        func text(_ range: Range<Int>) -> String {
            let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            let end = utf8.index(start, offsetBy: range.count)
            return String(decoding: utf8[start..<end], as: UTF8.self)
        }
        var ip = text(ranges.ip)
        let port = text(ranges.port)
        if ip.hasPrefix("["), ip.hasSuffix("]") { ip = String(ip.dropFirst().dropLast()) }
        guard !ip.isEmpty, port.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) || port.allSatisfy({ $0.isNumber }) else {
            return nil
        }
        return (ip, port.isEmpty ? nil : port)
    }
}
