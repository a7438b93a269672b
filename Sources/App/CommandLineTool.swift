import FalconerCore
import Foundation

/// The `falconer` command: parses arguments, runs a subcommand, exits with its code.
package enum CommandLineTool {
    package static func main() async {
        let code = run(Array(CommandLine.arguments.dropFirst()))
        exit(code)
    }

    /// Runs the command line `arguments` (without the program name) and returns the exit code.
    static func run(_ arguments: [String]) -> Int32 {
        do throws(CLIError) {
            guard let command = arguments.first else {
                print(HelpText.main, terminator: "")
                return 64
            }
            let rest = Array(arguments.dropFirst())
            switch command {
            case "-h", "--help", "help":
                print(HelpText.main, terminator: "")
                return 0
            case "--version", "version":
                print(HelpText.version)
                return 0
            case "analyze", "analyse":
                if rest.contains("-h") || rest.contains("--help") {
                    print(HelpText.analyze, terminator: "")
                    return 0
                }
                let options = try AnalyzeOptions.parse(rest)
                return try AnalyzeCommand(options: options).run()
            case "kb":
                if rest.isEmpty || rest.contains("-h") || rest.contains("--help") {
                    print(HelpText.kb, terminator: "")
                    return rest.isEmpty ? 64 : 0
                }
                return try KBCommand.run(rest)
            default:
                throw CLIError(reason: .usage, message: "unknown command '\(command)' (try falconer --help)")
            }
        } catch {
            FileHandle.standardError.write(Data("falconer: \(error.message)\n".utf8))
            return error.exitCode
        }
    }
}

/// Options of `falconer analyze`.
struct AnalyzeOptions {
    var inputs: [String] = []
    var format = ReportFormat.markdown
    var outDirectory: String?
    var minimumPriority: Priority?
    var maxValueBytes = 1 << 20
    var knowledge = KnowledgeLoading()
    var incidents = false
    var incidentSettings = IncidentSettings()
    var jobs = min(8, max(1, ProcessInfo.processInfo.activeProcessorCount))
    var showProgress = true

    static func parse(_ arguments: [String]) throws(CLIError) -> AnalyzeOptions {
        var options = AnalyzeOptions()
        var index = 0
        func value(_ name: String) throws(CLIError) -> String {
            index += 1
            guard index < arguments.count else { throw CLIError(reason: .usage, message: "\(name) needs a value") }
            return arguments[index]
        }
        func number(_ name: String, _ text: String, range: ClosedRange<Int>) throws(CLIError) -> Int {
            guard let number = Int(text), range.contains(number) else {
                throw CLIError(
                    reason: .usage,
                    message:
                        "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
            }
            return number
        }
        var onlyFiles = false
        while index < arguments.count {
            var argument = arguments[index]
            var inline: String?
            if !onlyFiles, argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                inline = String(argument[argument.index(after: equals)...])
                argument = String(argument[..<equals])
            }
            func take(_ name: String) throws(CLIError) -> String {
                if let inline { return inline }
                return try value(name)
            }
            if onlyFiles || argument == "-" || !argument.hasPrefix("-") {
                options.inputs.append(argument)
                index += 1
                continue
            }
            switch argument {
            case "--":
                onlyFiles = true
            case "--format":
                let text = try take(argument)
                guard let format = ReportFormat(rawValue: text.lowercased()) else {
                    throw CLIError(reason: .usage, message: "--format must be markdown or json, not '\(text)'")
                }
                options.format = format
            case "--out":
                options.outDirectory = try take(argument)
            case "--min-priority":
                let text = try take(argument)
                guard let priority = Priority(parsing: text) else {
                    throw CLIError(
                        reason: .usage,
                        message:
                            "--min-priority must be one of \(Priority.allCases.map { $0.rawValue.lowercased() }.joined(separator: ", ")), not '\(text)'"
                    )
                }
                options.minimumPriority = priority
            case "--max-value-size":
                options.maxValueBytes = try number(argument, take(argument), range: 256...(1 << 30))
            case "--rules":
                options.knowledge.rulesPaths.append(try take(argument))
            case "--no-default-rules":
                options.knowledge.useDefaultRules = false
            case "--knowledge":
                options.knowledge.knowledgeDirectories.append(try take(argument))
            case "--incidents":
                options.incidents = true
            case "--window":
                options.incidentSettings.idleWindowSeconds = Int64(
                    try number(argument, take(argument), range: 1...86_400 * 7))
            case "--max-span":
                options.incidentSettings.maxSpanSeconds = Int64(
                    try number(argument, take(argument), range: 1...86_400 * 30))
            case "--storm-threshold":
                options.incidentSettings.stormThreshold = try number(argument, take(argument), range: 2...10_000_000)
            case "--jobs":
                options.jobs = try number(argument, take(argument), range: 1...64)
            case "--no-progress":
                options.showProgress = false
            default:
                throw CLIError(reason: .usage, message: "unknown option '\(argument)' (try falconer analyze --help)")
            }
            index += 1
        }
        if options.inputs.isEmpty { options.inputs = ["-"] }
        return options
    }
}
