import BundledKnowledge
import FalconerCore
import Foundation
import Synchronization
import YAMLParser

/// Loads the knowledge base: the files compiled into the binary, then the user's `--knowledge` directories (which
/// add or replace playbooks by rule name), then Falco rules files (`--rules`, or Falco's default paths).
struct KnowledgeLoading {
    /// Falco's usual rules locations, read when they exist (unless `--no-default-rules`).
    static let defaultRulesPaths = [
        "/etc/falco/falco_rules.yaml", "/etc/falco/falco_rules.local.yaml", "/etc/falco/rules.d",
    ]

    var knowledgeDirectories: [String] = []
    var rulesPaths: [String] = []
    var useDefaultRules = true

    struct Loaded {
        var knowledge: KnowledgeBase
        var diagnostics: [Diagnostic]
    }

    /// Holds knowledge bases for the rest of the process, so they are never torn down one object at a time.
    private static let kept = Mutex<[KnowledgeBase]>([])

    static func keepUntilExit(_ knowledge: [KnowledgeBase]) {
        kept.withLock { $0 += knowledge }
    }

    /// Loads the knowledge. With `deferPlaybooks` (analysis), bundled playbooks are decoded when an alert of their
    /// rule first arrives; `kb` commands decode everything, to report every problem.
    func load(deferPlaybooks: Bool = false) throws(CLIError) -> Loaded {
        let parser = LibYAMLParser()
        var loader = KnowledgeLoader()
        for file in BundledKnowledge.files {
            // Deferred, a bundled playbook is not even parsed until an alert of its rule arrives: parsing the YAML
            // of every playbook was most of what remained of start-up.
            if deferPlaybooks,
                loader.addPlaybook(
                    path: file.path, text: file.text,
                    parse: { text, origin in
                        guard let documents = try? LibYAMLParser().parse(text, origin: origin), documents.count == 1
                        else { return nil }
                        return documents[0]
                    })
            {
                continue
            }
            do {
                loader.add(path: file.path, text: file.text, documents: try parser.parse(file.text, origin: file.path))
            } catch {
                loader.add(path: file.path, text: file.text, documents: [])
            }
        }
        var knowledge = loader.finish(deferPlaybooks: deferPlaybooks)
        var diagnostics = loader.diagnostics
        if !knowledgeDirectories.isEmpty {
            // A second layer over the built-in base: a user's playbook replaces the built-in one of the same rule,
            // and a user's snippet replaces the built-in snippet of the same id.
            var userLoader = KnowledgeLoader()
            for directory in knowledgeDirectories {
                for path in try yamlFiles(under: directory, option: "--knowledge") {
                    let text = try read(path)
                    do {
                        userLoader.add(path: path, text: text, documents: try parser.parse(text, origin: path))
                    } catch {
                        diagnostics.append(Diagnostic(file: path, message: "\(error)"))
                    }
                }
            }
            knowledge = userLoader.finish(base: knowledge)
            diagnostics += userLoader.diagnostics
        }
        var paths: [String] = []
        for path in rulesPaths { paths += try yamlFiles(under: path, option: "--rules") }
        if useDefaultRules {
            for path in Self.defaultRulesPaths where FileManager.default.fileExists(atPath: path) {
                paths += (try? yamlFiles(under: path, option: "default rules")) ?? []
            }
        }
        for path in paths {
            let text = try read(path)
            do {
                let documents = try parser.parse(text, origin: path)
                for rule in RulesFileReader.rules(in: documents, file: path, diagnostics: &diagnostics)
                where !rule.isOverride {
                    knowledge.rules[rule.name] = rule
                }
            } catch {
                diagnostics.append(Diagnostic(file: path, message: "\(error)"))
            }
        }
        return Loaded(knowledge: knowledge, diagnostics: diagnostics)
    }

    /// A file, or every `.yaml`/`.yml` file below a directory, sorted.
    func yamlFiles(under path: String, option: String) throws(CLIError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError(reason: .missingInput, message: "\(option) \(path): no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        var files: [String] = []
        if let walker = FileManager.default.enumerator(atPath: path) {
            for case let relative as String in walker where relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") {
                files.append((path as NSString).appendingPathComponent(relative))
            }
        }
        return files.sorted()
    }

    func read(_ path: String) throws(CLIError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(reason: .missingInput, message: "\(path): cannot read the file")
        }
        guard let text = String(validating: Array(data), as: UTF8.self) else {
            throw CLIError(reason: .badData, message: "\(path): not UTF-8 text")
        }
        return text
    }
}
