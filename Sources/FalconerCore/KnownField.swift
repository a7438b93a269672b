/// The field names Falconer's own code and knowledge read. Each has a slot in `FieldTable`, filled when the alert is
/// decoded, so reading one is an array index instead of hashing its name: a report reads about a hundred fields. The
/// decoder also stores these names as the literals here, which are never allocated or reference-counted.
///
/// Any other field still works by name; this list only makes the common ones cheap. Keep it sorted.
package struct KnownField: Sendable, Hashable {
    package let index: Int

    private init(_ index: Int) { self.index = index }

    /// Each name as a JSON object key, `"proc.name":`, rendered once into memory that lives as long as the process
    /// (so writing a key reads it in place, with no array to reference-count), with where each key starts.
    static let jsonKeys: RenderedKeys = {
        var flat: [UInt8] = []
        var starts: [Int] = [0]
        for name in names {
            var json = JSONWriter(capacity: name.utf8.count + 8)
            json.string(name)
            flat += json.bytes + [UInt8(ascii: ":")]
            starts.append(flat.count)
        }
        let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: flat.count)
        _ = bytes.initialize(from: flat)
        let offsets = UnsafeMutableBufferPointer<Int>.allocate(capacity: starts.count)
        _ = offsets.initialize(from: starts)
        return RenderedKeys(bytes: UnsafeBufferPointer(bytes), starts: UnsafeBufferPointer(offsets))
    }()

    // SAFETY: both buffers are written once, before the value exists, never freed, and only read afterwards.
    struct RenderedKeys: @unchecked Sendable {
        let bytes: UnsafeBufferPointer<UInt8>
        let starts: UnsafeBufferPointer<Int>
    }

    /// This field's name as a JSON object key, colon included (valid for the life of the process).
    var jsonKey: UnsafeBufferPointer<UInt8> { Self.jsonKey(index) }

    @inline(__always)
    static func jsonKey(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let keys = jsonKeys
        return UnsafeBufferPointer(rebasing: keys.bytes[keys.starts[index]..<keys.starts[index + 1]])
    }

    package var name: String { Self.names[index] }

    /// Every known name, in slot order.
    package static var allNames: [String] { names }

    /// How many fields are known: the size of `FieldTable`'s slot array.
    package static let count = 134

    static let names: [String] = [
        "container.id", "container.image", "container.image.repository", "container.image.tag", "container.name",
        "container.privileged", "ct.error", "ct.id", "ct.name", "ct.region", "ct.request.cluster",
        "ct.request.functionname", "ct.request.groupname", "ct.request.name", "ct.request.servicename",
        "ct.request.taskdefinition", "ct.request.username", "ct.response.reservationid", "ct.srcip", "ct.user",
        "ct.user.arn", "evt.arg.filename", "evt.arg.flags", "evt.arg.linkpath", "evt.arg.name", "evt.arg.newpath",
        "evt.arg.oldpath", "evt.arg.path", "evt.arg.pathname", "evt.arg.pid", "evt.arg.request", "evt.arg.target",
        "evt.dir", "evt.hostname", "evt.rawarg.pid", "evt.res", "evt.time", "evt.time.iso8601", "evt.type", "fd.cip",
        "fd.cport", "fd.l4proto", "fd.lip", "fd.lport", "fd.name", "fd.num", "fd.rip", "fd.rport", "fd.sip",
        "fd.sport", "fd.type", "fs.path.name", "gcp.callerIP", "gcp.cloudfunctions.function",
        "gcp.cloudsql.databaseId", "gcp.methodName", "gcp.projectId", "gcp.resourceName", "gcp.storage.bucket",
        "gcp.user", "github.action", "github.collaborator.name", "github.diff.committed_secrets.links", "github.org",
        "github.owner", "github.repo", "github.repo.name", "github.user", "github.webhook.id",
        "github.workflow.filename", "group.name", "jevt.obj", "jevt.time", "jevt.time.iso8601", "k8s.ns.name",
        "k8s.pod.name", "ka.req.binding.role", "ka.req.configmap.name", "ka.resp.name", "ka.response.code",
        "ka.target.name", "ka.target.namespace", "ka.target.resource", "ka.target.subresource", "ka.uri",
        "ka.user.name", "ka.verb", "okta.actor.name", "okta.client.ip", "okta.evt.type",
        "okta.target.app.alternateid", "okta.target.group.name", "okta.target.user.name", "proc.aexe[2]",
        "proc.aname[2]", "proc.aname[3]", "proc.aname[4]", "proc.aname[5]", "proc.aname[6]", "proc.aname[7]",
        "proc.aname[8]", "proc.aname[9]", "proc.apid[2]", "proc.apid[3]", "proc.apid[4]", "proc.apid[5]",
        "proc.apid[6]", "proc.apid[7]", "proc.apid[8]", "proc.apid[9]", "proc.cmdline", "proc.cwd", "proc.exe",
        "proc.exepath", "proc.is_exe_upper_layer", "proc.is_exe_writable", "proc.loginshellid", "proc.name",
        "proc.pcmdline", "proc.pexe", "proc.pexepath", "proc.pid", "proc.pname", "proc.ppid", "proc.sid",
        "proc.sname", "proc.tty", "proc.vpgid", "proc.vpid", "s3.bucket", "user.loginname", "user.loginuid",
        "user.name", "user.uid",
    ]

    package static let containerId = KnownField(0)
    package static let containerImage = KnownField(1)
    package static let containerImageRepository = KnownField(2)
    package static let containerImageTag = KnownField(3)
    package static let containerName = KnownField(4)
    package static let containerPrivileged = KnownField(5)
    package static let ctError = KnownField(6)
    package static let ctId = KnownField(7)
    package static let ctName = KnownField(8)
    package static let ctRegion = KnownField(9)
    package static let ctRequestCluster = KnownField(10)
    package static let ctRequestFunctionname = KnownField(11)
    package static let ctRequestGroupname = KnownField(12)
    package static let ctRequestName = KnownField(13)
    package static let ctRequestServicename = KnownField(14)
    package static let ctRequestTaskdefinition = KnownField(15)
    package static let ctRequestUsername = KnownField(16)
    package static let ctResponseReservationid = KnownField(17)
    package static let ctSrcip = KnownField(18)
    package static let ctUser = KnownField(19)
    package static let ctUserArn = KnownField(20)
    package static let evtArgFilename = KnownField(21)
    package static let evtArgFlags = KnownField(22)
    package static let evtArgLinkpath = KnownField(23)
    package static let evtArgName = KnownField(24)
    package static let evtArgNewpath = KnownField(25)
    package static let evtArgOldpath = KnownField(26)
    package static let evtArgPath = KnownField(27)
    package static let evtArgPathname = KnownField(28)
    package static let evtArgPid = KnownField(29)
    package static let evtArgRequest = KnownField(30)
    package static let evtArgTarget = KnownField(31)
    package static let evtDir = KnownField(32)
    package static let evtHostname = KnownField(33)
    package static let evtRawargPid = KnownField(34)
    package static let evtRes = KnownField(35)
    package static let evtTime = KnownField(36)
    package static let evtTimeIso8601 = KnownField(37)
    package static let evtType = KnownField(38)
    package static let fdCip = KnownField(39)
    package static let fdCport = KnownField(40)
    package static let fdL4proto = KnownField(41)
    package static let fdLip = KnownField(42)
    package static let fdLport = KnownField(43)
    package static let fdName = KnownField(44)
    package static let fdNum = KnownField(45)
    package static let fdRip = KnownField(46)
    package static let fdRport = KnownField(47)
    package static let fdSip = KnownField(48)
    package static let fdSport = KnownField(49)
    package static let fdType = KnownField(50)
    package static let fsPathName = KnownField(51)
    package static let gcpCallerIP = KnownField(52)
    package static let gcpCloudfunctionsFunction = KnownField(53)
    package static let gcpCloudsqlDatabaseId = KnownField(54)
    package static let gcpMethodName = KnownField(55)
    package static let gcpProjectId = KnownField(56)
    package static let gcpResourceName = KnownField(57)
    package static let gcpStorageBucket = KnownField(58)
    package static let gcpUser = KnownField(59)
    package static let githubAction = KnownField(60)
    package static let githubCollaboratorName = KnownField(61)
    package static let githubDiffCommittedSecretsLinks = KnownField(62)
    package static let githubOrg = KnownField(63)
    package static let githubOwner = KnownField(64)
    package static let githubRepo = KnownField(65)
    package static let githubRepoName = KnownField(66)
    package static let githubUser = KnownField(67)
    package static let githubWebhookId = KnownField(68)
    package static let githubWorkflowFilename = KnownField(69)
    package static let groupName = KnownField(70)
    package static let jevtObj = KnownField(71)
    package static let jevtTime = KnownField(72)
    package static let jevtTimeIso8601 = KnownField(73)
    package static let k8sNsName = KnownField(74)
    package static let k8sPodName = KnownField(75)
    package static let kaReqBindingRole = KnownField(76)
    package static let kaReqConfigmapName = KnownField(77)
    package static let kaRespName = KnownField(78)
    package static let kaResponseCode = KnownField(79)
    package static let kaTargetName = KnownField(80)
    package static let kaTargetNamespace = KnownField(81)
    package static let kaTargetResource = KnownField(82)
    package static let kaTargetSubresource = KnownField(83)
    package static let kaUri = KnownField(84)
    package static let kaUserName = KnownField(85)
    package static let kaVerb = KnownField(86)
    package static let oktaActorName = KnownField(87)
    package static let oktaClientIp = KnownField(88)
    package static let oktaEvtType = KnownField(89)
    package static let oktaTargetAppAlternateid = KnownField(90)
    package static let oktaTargetGroupName = KnownField(91)
    package static let oktaTargetUserName = KnownField(92)
    package static let procAexe2 = KnownField(93)
    package static let procAname2 = KnownField(94)
    package static let procAname3 = KnownField(95)
    package static let procAname4 = KnownField(96)
    package static let procAname5 = KnownField(97)
    package static let procAname6 = KnownField(98)
    package static let procAname7 = KnownField(99)
    package static let procAname8 = KnownField(100)
    package static let procAname9 = KnownField(101)
    package static let procApid2 = KnownField(102)
    package static let procApid3 = KnownField(103)
    package static let procApid4 = KnownField(104)
    package static let procApid5 = KnownField(105)
    package static let procApid6 = KnownField(106)
    package static let procApid7 = KnownField(107)
    package static let procApid8 = KnownField(108)
    package static let procApid9 = KnownField(109)
    package static let procCmdline = KnownField(110)
    package static let procCwd = KnownField(111)
    package static let procExe = KnownField(112)
    package static let procExepath = KnownField(113)
    package static let procIsExeUpperLayer = KnownField(114)
    package static let procIsExeWritable = KnownField(115)
    package static let procLoginshellid = KnownField(116)
    package static let procName = KnownField(117)
    package static let procPcmdline = KnownField(118)
    package static let procPexe = KnownField(119)
    package static let procPexepath = KnownField(120)
    package static let procPid = KnownField(121)
    package static let procPname = KnownField(122)
    package static let procPpid = KnownField(123)
    package static let procSid = KnownField(124)
    package static let procSname = KnownField(125)
    package static let procTty = KnownField(126)
    package static let procVpgid = KnownField(127)
    package static let procVpid = KnownField(128)
    package static let s3Bucket = KnownField(129)
    package static let userLoginname = KnownField(130)
    package static let userLoginuid = KnownField(131)
    package static let userName = KnownField(132)
    package static let userUid = KnownField(133)

    /// `proc.aname[N]` and `proc.apid[N]` for N = 2...9 (index N), the ancestors an alert may carry.
    package static let ancestorNames: [KnownField?] =
        [nil, nil] + (2...9).map { KnownField(named: "proc.aname[\($0)]") }
    package static let ancestorPIDs: [KnownField?] = [nil, nil] + (2...9).map { KnownField(named: "proc.apid[\($0)]") }

    /// The known field with this name, or nil.
    package init?(named name: String) {
        guard let field = Self.lookup(name, hash: FieldTable.hash(name)) else { return nil }
        self = field
    }

    /// Open addressing over the names' hashes (the same hash `FieldTable` computes anyway), built once.
    private static let table: [Int16] = {
        var size = 16
        while size < names.count * 4 { size *= 2 }
        var table = [Int16](repeating: -1, count: size)
        for (index, name) in names.enumerated() {
            var slot = Int(FieldTable.hash(name)) & (size - 1)
            while table[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            table[slot] = Int16(index)
        }
        return table
    }()

    /// Every name's bytes back to back, and where each starts (one flat array: no inner arrays to retain).
    private static let flatNames: [UInt8] = names.flatMap { Array($0.utf8) }
    private static let nameStarts: [Int] = names.reduce(into: [0]) { starts, name in
        starts.append((starts.last ?? 0) + name.utf8.count)
    }

    /// The known field whose name is `bytes` (a parser's key, before it becomes a String) and whose `ByteHash` is
    /// `hash`, or nil.
    package static func lookup(bytes: UnsafeBufferPointer<UInt8>, hash: UInt32) -> KnownField? {
        let mask = table.count - 1
        var slot = Int(hash) & mask
        while true {
            let index = Int(table[slot])
            if index < 0 { return nil }
            let start = nameStarts[index]
            if nameStarts[index + 1] - start == bytes.count {
                let matches = flatNames.withUnsafeBufferPointer { names in
                    guard let name = names.baseAddress, let key = bytes.baseAddress else { return bytes.isEmpty }
                    return ByteHash.equal(UnsafeRawPointer(name + start), UnsafeRawPointer(key), count: bytes.count)
                }
                if matches { return KnownField(index) }
            }
            slot = (slot + 1) & mask
        }
    }

    static func lookup(_ name: String, hash: UInt32) -> KnownField? {
        let mask = table.count - 1
        var slot = Int(hash) & mask
        while true {
            let index = Int(table[slot])
            if index < 0 { return nil }
            if names[index] == name { return KnownField(index) }
            slot = (slot + 1) & mask
        }
    }
}
