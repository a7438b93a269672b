import Foundation
import PackagePlugin

/// Compiles `knowledge/**/*.yaml` into the `BundledKnowledge` module, so an installed `falconer` needs no source tree.
@main
struct EmbedKnowledge: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL.appending(path: "knowledge")
        var inputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) {
            for case let url as URL in walker where url.pathExtension == "yaml" {
                inputs.append(url)
            }
        }
        inputs.sort { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "BundledKnowledgeFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) knowledge files",
                executable: try context.tool(named: "KnowledgeEmbedder").url,
                arguments: [root.path, output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
