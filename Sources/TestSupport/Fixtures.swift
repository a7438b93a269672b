import Foundation

/// Reads a fixture file next to the calling test file: `Fixtures/<name>`.
package func fixture(_ name: String, file: StaticString = #filePath) throws -> [UInt8] {
    let directory = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
    return Array(try Data(contentsOf: directory.appending(path: "Fixtures").appending(path: name)))
}
