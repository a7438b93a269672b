import FalconerCore
import TestSupport
import Testing
import YAMLParser

@Suite struct TuningValidatorTests {
    let validator = TuningValidator(knowledge: bundledKnowledge)

    func problems(_ yaml: String) throws -> [String] {
        validator.validate(try LibYAMLParser().parse(yaml, origin: "t"), origin: "t").map(\.message)
    }

    @Test("the critique's example exception is accepted")
    func accepts() throws {
        let yaml = """
            - rule: PTRACE attached to process
              exceptions:
                - name: admin_debugging
                  fields: [proc.exepath, user.loginuid, proc.tty]
                  comps: ["=", "=", "!="]
                  values:
                    - [/usr/bin/gdb, 1000, 0]
              override:
                exceptions: append
            """
        #expect(try problems(yaml).isEmpty)
    }

    @Test(
        "broken exceptions are rejected with the reason",
        arguments: [
            (
                "- rule: No Such Rule\n  exceptions: [{name: a, fields: [proc.name], values: [[x]]}]\n  override: {exceptions: append}\n",
                "unknown rule"
            ),
            (
                "- rule: PTRACE attached to process\n  exceptions: [{name: a, fields: [ka.user.name], values: [[x]]}]\n  override: {exceptions: append}\n",
                "not a field of the syscall source"
            ),
            (
                "- rule: PTRACE attached to process\n  exceptions: [{name: a, fields: [proc.name, proc.exepath], comps: [=], values: [[x, y]]}]\n  override: {exceptions: append}\n",
                "comps has 1 item(s) but fields has 2"
            ),
            (
                "- rule: PTRACE attached to process\n  exceptions: [{name: a, fields: [proc.name], comps: [like], values: [[x]]}]\n  override: {exceptions: append}\n",
                "not a Falco operator"
            ),
            (
                "- rule: PTRACE attached to process\n  exceptions: [{name: a, fields: [proc.name, proc.exepath], values: [[x]]}]\n  override: {exceptions: append}\n",
                "values row has 1 item(s)"
            ),
            (
                "- rule: PTRACE attached to process\n  exceptions: [{name: a, fields: [proc.name], values: [[x]]}]\n",
                "needs `override"
            ),
            (
                "- rule: PTRACE attached to process\n  exceptions: [{name: a, fields: [proc.name], values: [[x]]}]\n  override: {exceptions: merge}\n",
                "must be append or replace"
            ),
            (
                "- rule: PTRACE attached to process\n  exceptions: [{name: a, fields: [proc.name], comps: [in], values: [[x]]}]\n  override: {exceptions: append}\n",
                "needs a list value"
            ),
            (
                "- rule: PTRACE attached to process\n  exceptions: [{name: a, fields: [proc.name], values: [[~]]}]\n  override: {exceptions: append}\n",
                "must be quoted"
            ),
            (
                "- rule: PTRACE attached to process\n  exceptions: [{fields: [proc.name], values: [[x]]}]\n  override: {exceptions: append}\n",
                "needs a `name`"
            ),
            (
                "- rule: PTRACE attached to process\n  condition: evt.type=ptrace\n  exceptions: [{name: a, fields: [proc.name], values: [[x]]}]\n  override: {exceptions: append}\n",
                "unexpected key 'condition'"
            ),
            ("rule: PTRACE attached to process\n", "list of rule entries"),
        ])
    func rejects(yaml: String, expected: String) throws {
        let found = try problems(yaml)
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }

    @Test("every shipped playbook's exception, filled with hostile values, passes the validator")
    func generatedExceptionsValidate() throws {
        for playbook in bundledKnowledge.playbooks {
            guard let spec = playbook.tuning.exception else { continue }
            let fields = spec.fields.map { ($0.field, $0.comp, $0.fixedValue ?? "a: b # c\n'd' \"e\" [f] {g} - h") }
            let yaml = ExceptionBuilder.render(rule: playbook.rule, name: spec.name, fields: fields)
            let found = try problems(yaml)
            #expect(found.isEmpty, "\(playbook.rule): \(found)")
        }
    }
}
