import FalconerCore
import Foundation
import YAMLParser

/// `falconer kb lint` and `falconer kb coverage`.
enum KBCommand {
    static func run(_ arguments: [String]) throws(CLIError) -> Int32 {
        guard let sub = arguments.first else { throw CLIError(reason: .usage, message: "kb needs lint or coverage") }
        let rest = Array(arguments.dropFirst())
        switch sub {
        case "lint": return try lint(rest)
        case "coverage": return try coverage(rest)
        default: throw CLIError(reason: .usage, message: "unknown kb command '\(sub)' (lint or coverage)")
        }
    }

    private static func lint(_ arguments: [String]) throws(CLIError) -> Int32 {
        var loading = KnowledgeLoading()
        loading.useDefaultRules = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--knowledge", "--rules":
                index += 1
                guard index < arguments.count else {
                    throw CLIError(reason: .usage, message: "\(argument) needs a value")
                }
                if argument == "--knowledge" {
                    loading.knowledgeDirectories.append(arguments[index])
                } else {
                    loading.rulesPaths.append(arguments[index])
                }
            case "--no-default-rules":
                break
            default:
                throw CLIError(reason: .usage, message: "unknown kb lint option '\(argument)'")
            }
            index += 1
        }
        let loaded = try loading.load()
        let problems = loaded.diagnostics + KnowledgeLinter(knowledge: loaded.knowledge, yaml: LibYAMLParser()).lint()
        for problem in problems { print(problem) }
        let knowledge = loaded.knowledge
        print(
            "\(knowledge.playbooks.count) playbooks, \(knowledge.snippets.count) snippets, \(knowledge.attack.techniques.count) ATT&CK techniques, \(knowledge.fields.fields.count) fields: \(problems.count) problem(s)"
        )
        return problems.isEmpty ? 0 : 65
    }

    private static func coverage(_ arguments: [String]) throws(CLIError) -> Int32 {
        guard !arguments.isEmpty else { throw CLIError(reason: .usage, message: "kb coverage needs Falco rules files") }
        var loading = KnowledgeLoading()
        loading.useDefaultRules = false
        let knowledge = try loading.load().knowledge
        let parser = LibYAMLParser()
        var names: [String] = []
        var seen: Set<String> = []
        var diagnostics: [Diagnostic] = []
        for argument in arguments {
            for path in try loading.yamlFiles(under: argument, option: "coverage") {
                let text = try loading.read(path)
                let documents: [YAMLNode]
                do {
                    documents = try parser.parse(text, origin: path)
                } catch {
                    throw CLIError(reason: .badData, message: "\(error)")
                }
                for rule in RulesFileReader.rules(in: documents, file: path, diagnostics: &diagnostics)
                where seen.insert(rule.name).inserted {
                    names.append(rule.name)
                }
            }
        }
        for diagnostic in diagnostics { warn("warning: \(diagnostic)") }
        var covered = 0
        for name in names {
            if let playbook = knowledge.playbook(for: name) {
                covered += 1
                print("covered  \(name)\(playbook.rule != name ? " (alias of \(playbook.rule))" : "")")
            } else {
                print("MISSING  \(name)")
            }
        }
        print("\(covered) of \(names.count) rules have a playbook")
        return covered == names.count ? 0 : 1
    }
}
