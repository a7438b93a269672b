import FalconerCore
import Foundation

/// Where rendered reports go: standard output (gathered, then written with `writev` in large groups, so no report
/// is copied again) or one file per report.
final class OutputWriter {
    /// Blocks waiting for standard output, in order, and their total size.
    private var pending: [ByteBlock] = []
    private var pendingBytes = 0
    private let directory: String?
    private var sequence = 0
    private var telemetryDescriptor: Int32 = -1

    /// `directory` nil writes to stdout; otherwise the directory is created if needed.
    init(directory: String?) throws(CLIError) {
        self.directory = directory
        if let directory {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw CLIError(
                    reason: .failure,
                    message: "--out \(directory): cannot create the directory (\(error.localizedDescription))")
            }
        }
        pending.reserveCapacity(1024)
    }

    /// Writes one rendered report; in directory mode into its own file named from `alert` (safe characters only).
    func write(report block: ByteBlock, time: EventTime?, rule: String, fileExtension: String) throws(CLIError) {
        guard let directory else { return try enqueue(block) }
        sequence += 1
        let name = FileNaming.reportFileName(
            sequence: sequence, time: time, rule: rule, fileExtension: fileExtension)
        try create(directory + "/" + name, block.buffer)
    }

    private func enqueue(_ block: ByteBlock) throws(CLIError) {
        pending.append(block)
        pendingBytes += block.count
        if pendingBytes >= 1 << 20 { try flush() }
    }

    /// Writes a telemetry line: to stdout, or appended to `telemetry.jsonl` in directory mode.
    func write(telemetry bytes: [UInt8]) throws(CLIError) {
        guard let directory else { return try enqueue(ByteBlock(copying: bytes)) }
        if telemetryDescriptor < 0 {
            let path = directory + "/telemetry.jsonl"
            telemetryDescriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard telemetryDescriptor >= 0 else {
                throw CLIError(reason: .failure, message: "\(path): cannot open (\(String(cString: strerror(errno))))")
            }
        }
        try bytes.withUnsafeBufferPointer { (buffer) throws(CLIError) in
            try writeAll(telemetryDescriptor, buffer, path: directory + "/telemetry.jsonl")
        }
    }

    /// Writes a named file in directory mode (incident reports).
    /// Writes `bytes` as one item: to stdout, or to the file `name()` names in the output directory.
    func write(named name: () -> String, bytes: [UInt8]) throws(CLIError) {
        guard let directory else { return try enqueue(ByteBlock(copying: bytes)) }
        let path = directory + "/" + name()
        try bytes.withUnsafeBufferPointer { (buffer) throws(CLIError) in try create(path, buffer) }
    }

    /// Creates `path` exclusively. When a file of that name already exists (an earlier run into the same
    /// directory), tries `name-2.ext`, `name-3.ext`, ... so nothing is ever overwritten.
    private func create(_ path: String, _ bytes: UnsafeBufferPointer<UInt8>) throws(CLIError) {
        var candidate = path
        var attempt = 1
        while true {
            // O_EXCL: never overwrite, never follow a planted symlink.
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd >= 0 {
                defer { Foundation.close(fd) }
                try writeAll(fd, bytes, path: candidate)
                return
            }
            guard errno == EEXIST, attempt < 1000 else {
                throw CLIError(
                    reason: .failure, message: "\(candidate): cannot create (\(String(cString: strerror(errno))))")
            }
            attempt += 1
            let base = (path as NSString).deletingPathExtension
            let fileExtension = (path as NSString).pathExtension
            candidate = fileExtension.isEmpty ? "\(base)-\(attempt)" : "\(base)-\(attempt).\(fileExtension)"
        }
    }

    /// Writes the pending blocks to standard output, up to `IOV_MAX` (1024 on Linux) per `writev`, resuming after a
    /// partial write.
    func flush() throws(CLIError) {
        guard !pending.isEmpty else { return }
        var vectors = pending.map {
            iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.buffer.baseAddress), iov_len: $0.count)
        }
        var first = 0
        while first < vectors.count {
            let group = min(vectors.count - first, 1024)
            let written = vectors.withUnsafeMutableBufferPointer { all in
                writev(STDOUT_FILENO, UnsafeMutableBufferPointer(rebasing: all[first...]).baseAddress, Int32(group))
            }
            let wanted = vectors[first..<(first + group)].reduce(0) { $0 + $1.iov_len }
            if written < 0 || (written == 0 && wanted > 0) {
                if written < 0 && errno == EINTR { continue }
                throw CLIError(
                    reason: .failure, message: "standard output: write failed (\(String(cString: strerror(errno))))")
            }
            // Skip what was written: whole vectors, then part of the next one.
            var remaining = written
            while remaining > 0, first < vectors.count {
                if remaining >= vectors[first].iov_len {
                    remaining -= vectors[first].iov_len
                    first += 1
                } else {
                    vectors[first].iov_base += remaining
                    vectors[first].iov_len -= remaining
                    remaining = 0
                }
            }
            while first < vectors.count, vectors[first].iov_len == 0 { first += 1 }
        }
        // The blocks stay alive until here: the vectors point into them.
        withExtendedLifetime(pending) {}
        pending.removeAll(keepingCapacity: true)
        pendingBytes = 0
    }

    func close() throws(CLIError) {
        try flush()
        if telemetryDescriptor >= 0 {
            Foundation.close(telemetryDescriptor)
            telemetryDescriptor = -1
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>, path: String) throws(CLIError) {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw CLIError(reason: .failure, message: "\(path): write failed (\(String(cString: strerror(errno))))")
            }
            offset += written
        }
    }
}
