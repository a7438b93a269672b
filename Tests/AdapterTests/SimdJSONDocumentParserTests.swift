import FalconerCore
import Foundation
import SimdJSONParser
import TestSupport
import Testing

/// The simdjson adapter must agree with the Swift reference parser on every input: same document, or both reject.
@Suite struct SimdJSONDocumentParserTests {
    func both(_ bytes: [UInt8]) -> (simd: AlertDocument?, swift: AlertDocument?) {
        let simd = SimdJSONDocumentParser(maxBytes: 1 << 20)!
        var reference = SwiftAlertDocumentParser()
        return (try? simd.parse(bytes, origin: "t"), try? reference.parse(bytes, origin: "t"))
    }

    @Test("simdjson and the reference parser read the same alerts the same way")
    func agreeOnValidInput() throws {
        let inputs = [
            #"{"rule":"r","priority":"Notice","tags":["a","",null],"output_fields":{"a":null,"b":1.50,"c":-3,"d":true,"e":"\u00e9\n","f":[1,{"x":2}],"g":{"y":[]},"proc.aname[2]":"sudo"},"uuid":"u"}"#,
            #"{"output_fields":{},"tags":[]}"#,
            #"{"rule":"r","output_fields":"not an object","tags":"not a list"}"#,
            #"  {"rule" : "spaced" , "time":"2026-01-01T00:00:00.123456789Z"}  "#,
        ]
        for input in inputs {
            let (simd, swift) = both(Array(input.utf8))
            #expect(simd != nil && simd == swift, "\(input)")
        }
    }

    @Test(
        "both reject what is not a JSON object",
        arguments: [
            "[1,2]", "42", "\"x\"", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\":\"\\x\"}", "{\"a\":tru}", "{} {}",
            "{\"a\":1} x",
        ])
    func agreeOnInvalid(input: String) {
        let (simd, swift) = both(Array(input.utf8))
        #expect(simd == nil && swift == nil, "\(input)")
    }

    @Test("invalid UTF-8 inside a string is rejected, not passed on")
    func invalidUTF8() {
        let bytes = Array("{\"rule\":\"".utf8) + [0xFF, 0xFE] + Array("\"}".utf8)
        let (simd, swift) = both(bytes)
        #expect(simd == nil && swift == nil)
    }

    @Test("the fixtures parse identically")
    func fixtures() throws {
        let directory = repositoryRoot().appending(path: "Tests/FalconerCoreTests/Fixtures")
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".json") {
            let bytes = Array(try Data(contentsOf: directory.appending(path: name)))
            let (simd, swift) = both(bytes)
            #expect(simd != nil && simd == swift, "\(name)")
        }
    }

    /// The simdjson adapter classifies names, trims keys, spots unknown values and interns rule names and tags from
    /// bytes, while the reference does it on Strings: generated alerts that vary exactly those agree, including one
    /// parser reused for many documents (the interning cache and the input buffer carry over).
    @Test("generated alerts with stray spaces, unknown values, repeated keys and odd tags parse identically")
    func generatedVariants() {
        let names = [
            "rule", " rule", "rule ", "\\trule", "priority", "time", "source", "hostname", "output", "uuid",
            "ruler", "Rule", "tags", "output_fields",
        ]
        let fieldNames = [
            "proc.name", " proc.name", "proc.name ", "proc.cmdline", "proc.aname[2]", "fd.name", "x.y",
            "", " ", "container.id", "user.loginuid", "a\\u0062c",
        ]
        let values = [
            "\"v\"", "\"\"", "\"<NA>\"", "\"N/A\"", "null", "1", "-3.5e2", "true", "false", "[1,2]",
            "{\"k\":null}", "\"a long rule name that is interned by simdjson\"", "\"\\u00e9\\n\"", "\"<NA> \"",
        ]
        let tags = ["\"T1055.008\"", "\"\"", "\" \"", "null", "3", "\"mitre_privilege_escalation\"", "[\"x\"]"]
        // SplitMix64: the same sequence on every run.
        var state: UInt64 = 0xA1E7
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
        func pick(_ list: [String]) -> String { list[Int(next() % UInt64(list.count))] }
        let simd = SimdJSONDocumentParser(maxBytes: 1 << 20)!
        var parsed = 0
        for round in 0..<3000 {
            var members: [String] = []
            for _ in 0..<Int(next() % 6) {
                let name = pick(names)
                switch name {
                case "tags":
                    members.append(
                        "\"tags\":[" + (0..<Int(next() % 4)).map { _ in pick(tags) }.joined(separator: ",") + "]")
                case "output_fields":
                    let fields = (0..<Int(next() % 6)).map { _ in "\"\(pick(fieldNames))\":\(pick(values))" }
                    members.append("\"output_fields\":{" + fields.joined(separator: ",") + "}")
                default:
                    members.append("\"\(name)\":\(pick(values))")
                }
            }
            let text = "{" + members.joined(separator: ",") + "}"
            var reference = SwiftAlertDocumentParser()
            let expected = try? reference.parse(Array(text.utf8), origin: "t")
            let got = try? simd.parse(Array(text.utf8), origin: "t")
            #expect((got == nil) == (expected == nil) && got == expected, "round \(round): \(text)")
            if expected != nil { parsed += 1 }
        }
        // The generated documents are valid JSON: the comparison is of parsed documents, not of two rejections.
        #expect(parsed == 3000)
    }
}
