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
}
