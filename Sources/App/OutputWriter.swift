import FalconerCore
import Foundation

/// Where rendered reports go: standard output (buffered, written in large blocks) or one file per report.
final class OutputWriter {
    private var buffer: [UInt8] = []
    private let directory: String?
    private var sequence = 0
    private var telemetryHandle: FileHandle?

    /// `directory` nil writes to stdout; otherwise the directory is created if needed.
    init(directory: String?) throws(CLIError) {
        self.directory = directory
        if let directory {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw CLIError(reason: .failure, message: "--out \(directory): cannot create the directory (\(error.localizedDescription))")
            }
        }
        buffer.reserveCapacity(1 << 20)
    }

    /// Writes one rendered report; in directory mode into its own file named from `alert` (safe characters only).
    func write(report bytes: [UInt8], alert: Alert, fileExtension: String) throws(CLIError) {
        guard let directory else {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 20 { try flush() }
            return
        }
        sequence += 1
        let name = FileNaming.reportFileName(sequence: sequence, alert: alert, fileExtension: fileExtension)
        try create(directory + "/" + name, bytes)
    }

    /// Writes a telemetry line: to stdout, or appended to `telemetry.jsonl` in directory mode.
    func write(telemetry bytes: [UInt8]) throws(CLIError) {
        guard let directory else {
            buffer.append(contentsOf: bytes)
            return
        }
        if telemetryHandle == nil {
            let path = directory + "/telemetry.jsonl"
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            telemetryHandle = FileHandle(forWritingAtPath: path)
            _ = try? telemetryHandle?.seekToEnd()
        }
        telemetryHandle?.write(Data(bytes))
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

    private func create(_ path: String, _ bytes: [UInt8]) throws(CLIError) {
        // O_EXCL: never overwrite, never follow a planted symlink.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw CLIError(reason: .failure, message: "\(path): cannot create (\(String(cString: strerror(errno))))")
        }
        defer { Foundation.close(fd) }
        try writeAll(fd, bytes, path: path)
    }

    func flush() throws(CLIError) {
        guard !buffer.isEmpty else { return }
        try writeAll(STDOUT_FILENO, buffer, path: "standard output")
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws(CLIError) {
        try flush()
        try? telemetryHandle?.close()
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
