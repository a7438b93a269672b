import Foundation

// Writes a Swift file holding every knowledge file's text: `KnowledgeEmbedder ROOT OUTPUT FILE...`.
// Runs at build time only (from the EmbedKnowledge plugin), on files in this repository.
let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: KnowledgeEmbedder ROOT OUTPUT FILE...\n".utf8))
    exit(64)
}
let root = URL(fileURLWithPath: arguments[1]).standardizedFileURL.path
var swift = "// Generated at build time from knowledge/ by the EmbedKnowledge plugin. Do not edit.\n\n"
swift += "extension BundledKnowledge {\n    /// Every knowledge file: its path below knowledge/ and its text.\n"
swift += "    package static let files: [(path: String, text: String)] = [\n"
for path in arguments.dropFirst(3).sorted() {
    let url = URL(fileURLWithPath: path).standardizedFileURL
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
        FileHandle.standardError.write(Data("KnowledgeEmbedder: cannot read \(path) as UTF-8\n".utf8))
        exit(1)
    }
    var relative = url.path
    if relative.hasPrefix(root + "/") { relative.removeFirst(root.count + 1) }
    // A raw string delimiter longer than any run of '#' in the text cannot end early or interpolate.
    var longest = 0
    var run = 0
    for character in text {
        if character == "#" {
            run += 1
            longest = max(longest, run)
        } else {
            run = 0
        }
    }
    let hashes = String(repeating: "#", count: longest + 1)
    swift += "        (\"\(relative)\",\n\(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)),\n"
}
swift += "    ]\n}\n"
do {
    try swift.write(toFile: arguments[2], atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("KnowledgeEmbedder: cannot write \(arguments[2]): \(error)\n".utf8))
    exit(1)
}
