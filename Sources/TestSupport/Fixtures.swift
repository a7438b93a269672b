import BundledKnowledge
package import FalconerCore
package import Foundation
import SimdJSONParser
package import Testing
import YAMLParser

/// Reads a fixture file next to the calling test file: `Fixtures/<name>`.
package func fixture(_ name: String, file: StaticString = #filePath) throws -> [UInt8] {
    let directory = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
    return Array(try Data(contentsOf: directory.appending(path: "Fixtures").appending(path: name)))
}

/// The lines of a fixture file (one JSON alert per line), without empty lines.
package func fixtureLines(_ name: String, file: StaticString = #filePath) throws -> [[UInt8]] {
    try fixture(name, file: file).split(separator: UInt8(ascii: "\n")).map(Array.init).filter { !$0.isEmpty }
}

/// Compares `actual` with `Golden/<name>` next to the calling test file. With RECORD_GOLDEN=1 it rewrites the file
/// and records an issue, so a recording run never passes by accident.
package func expectGolden(
    _ actual: String, named name: String, file: StaticString = #filePath,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let directory = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appending(path: "Golden")
    let url = directory.appending(path: name)
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? actual.write(to: url, atomically: true, encoding: .utf8)
        Issue.record("recorded golden file \(name); rerun without RECORD_GOLDEN", sourceLocation: sourceLocation)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record("missing golden file \(name) (run with RECORD_GOLDEN=1)", sourceLocation: sourceLocation)
        return
    }
    if expected != actual {
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let index =
            Array(zip(expectedLines, actualLines)).firstIndex { $0.0 != $0.1 }
            ?? min(expectedLines.count, actualLines.count)
        let want = index < expectedLines.count ? String(expectedLines[index]) : "<end>"
        let got = index < actualLines.count ? String(actualLines[index]) : "<end>"
        Issue.record(
            "golden \(name) differs at line \(index + 1):\n  expected: \(want)\n  actual:   \(got)",
            sourceLocation: sourceLocation)
    }
}

/// The knowledge base compiled into the binary, loaded once.
package let bundledKnowledge: KnowledgeBase = {
    let parser = LibYAMLParser()
    var loader = KnowledgeLoader()
    for file in BundledKnowledge.files {
        loader.add(path: file.path, text: file.text, documents: (try? parser.parse(file.text, origin: file.path)) ?? [])
    }
    return loader.finish()
}()

/// `../shared` beside the repository, or nil when it is absent (tests that need it skip with a message).
package func sharedDirectory(file: StaticString = #filePath) -> URL? {
    var url = URL(fileURLWithPath: "\(file)")
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appending(path: "Package.swift").path) {
            let shared = url.deletingLastPathComponent().appending(path: "shared")
            return FileManager.default.fileExists(atPath: shared.appending(path: "falco-rules").path) ? shared : nil
        }
    }
    return nil
}

/// The repository root (where Package.swift is).
package func repositoryRoot(file: StaticString = #filePath) -> URL {
    var url = URL(fileURLWithPath: "\(file)")
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appending(path: "Package.swift").path) { return url }
    }
    return URL(fileURLWithPath: ".")
}

/// Decodes one alert line with the Swift reference parser; fails the test on errors.
package func decodeAlert(_ bytes: [UInt8], origin: String = "test", knowledge: KnowledgeBase = bundledKnowledge) throws
    -> Alert
{
    var parser = SwiftAlertDocumentParser()
    let document = try parser.parse(bytes, origin: origin)
    let decoded = try FalcoAlertDecoder(ruleSources: knowledge.ruleSources).decode(document, origin: origin)
    guard case .alert(let alert) = decoded else { throw TestFailure("\(origin) decoded as telemetry") }
    return alert
}

package struct TestFailure: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
