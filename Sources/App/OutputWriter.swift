import FalconerCore
import Foundation

/// Where rendered reports go: standard output (buffered, written in large blocks) or one file per report.
final class OutputWriter {
    private var buffer: [UInt8] = []
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
        buffer.reserveCapacity(1 << 20)
    }

    /// Writes one rendered report; in directory mode into its own file named from `alert` (safe characters only).
    func write(report bytes: [UInt8], time: EventTime?, rule: String, fileExtension: String) throws(CLIError) {
        guard let directory else {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 20 { try flush() }
            return
        }
        sequence += 1
        let name = FileNaming.reportFileName(
            sequence: sequence, time: time, rule: rule, fileExtension: fileExtension)
        try create(directory + "/" + name, bytes)
    }

    /// Writes a telemetry line: to stdout, or appended to `telemetry.jsonl` in directory mode.
    func write(telemetry bytes: [UInt8]) throws(CLIError) {
        guard let directory else {
            buffer.append(contentsOf: bytes)
            return
        }
        if telemetryDescriptor < 0 {
            let path = directory + "/telemetry.jsonl"
            telemetryDescriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard telemetryDescriptor >= 0 else {
                throw CLIError(reason: .failure, message: "\(path): cannot open (\(String(cString: strerror(errno))))")
            }
        }
        try writeAll(telemetryDescriptor, bytes, path: directory + "/telemetry.jsonl")
    }

    /// Writes a named file in directory mode (incident reports).
    func write(named name: String, bytes: [UInt8]) throws(CLIError) {
        guard let directory else {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 20 { try flush() }
            return
        }
        try create(directory + "/" + name, bytes)
    }

    /// Creates `path` exclusively. When a file of that name already exists (an earlier run into the same
    /// directory), tries `name-2.ext`, `name-3.ext`, ... so nothing is ever overwritten.
    private func create(_ path: String, _ bytes: [UInt8]) throws(CLIError) {
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

    func flush() throws(CLIError) {
        guard !buffer.isEmpty else { return }
        try writeAll(STDOUT_FILENO, buffer, path: "standard output")
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws(CLIError) {
        try flush()
        if telemetryDescriptor >= 0 {
            Foundation.close(telemetryDescriptor)
            telemetryDescriptor = -1
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(CLIError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw CLIError(reason: .failure, message: "\(path): write failed (\(String(cString: strerror(errno))))")
            }
            offset += written
        }
    }
}
