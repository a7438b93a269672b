import FalconerCore
import Testing
import YAMLParser

@Suite struct LibYAMLParserTests {
    let parser = LibYAMLParser(maxDepth: 16, maxNodes: 10_000)

    @Test("scalars, sequences and mappings keep their lines and quoting")
    func structure() throws {
        let documents = try parser.parse("a: 1\nb:\n  - \"2\"\n  - [x, y]\n", origin: "t")
        let root = try #require(documents.first)
        #expect(root["a"] == .scalar("1", isQuoted: false, line: 1))
        #expect(root["b"]?.sequence?.first == .scalar("2", isQuoted: true, line: 3))
        #expect(root["b"]?.line == 3)
    }

    @Test("aliases are refused (billion laughs)")
    func aliases() {
        let bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
        #expect(throws: YAMLError.self) { try parser.parse(bomb, origin: "bomb.yaml") }
    }

    @Test("depth and size are capped, and syntax errors name the line")
    func limits() throws {
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        #expect(throws: YAMLError(reason: .tooDeep(limit: 16), origin: "d", line: 1)) {
            try parser.parse(deep, origin: "d")
        }
        let wide = "[" + Array(repeating: "x", count: 20_000).joined(separator: ",") + "]"
        #expect(throws: YAMLError.self) { try parser.parse(wide, origin: "w") }
        do {
            _ = try parser.parse("a: b\nc: [unclosed\n", origin: "bad.yaml")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.description.hasPrefix("bad.yaml:"))
        }
    }
}
