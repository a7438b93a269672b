import FalconerCore
import Foundation
import Testing

@Suite struct JSONWriterTests {
    /// Strings that stress the eight-byte fast path: escapes at every offset, multi-byte UTF-8, U+2028/U+2029.
    static func samples() -> [String] {
        var generator = FuzzTests.SplitMix(state: 0x5EED)
        let pieces = [
            "a", "\"", "\\", "\n", "\t", "\u{01}", "\u{1F}", "\u{7F}", "é", "€", "\u{2028}", "\u{2029}", "\u{2027}",
            "😀", " ", "/", "<", "x\u{0}y",
        ]
        var samples = ["", "plain ascii text of some length", String(repeating: "a", count: 64)]
        for offset in 0..<17 {
            for piece in pieces {
                samples.append(String(repeating: "b", count: offset) + piece + String(repeating: "c", count: 9))
            }
        }
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 40) { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
            samples.append(text)
        }
        return samples
    }

    @Test("every string round-trips through a real JSON parser, U+2028/2029 escaped")
    func roundTrip() throws {
        for sample in Self.samples() {
            var writer = JSONWriter()
            writer.beginArray()
            writer.string(sample)
            writer.endArray()
            let text = String(decoding: writer.bytes, as: UTF8.self)
            let parsed = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String]
            #expect(parsed == [sample], "\(text)")
            #expect(!text.contains("\u{2028}") && !text.contains("\u{2029}"))
            #expect(!writer.bytes.contains { $0 < 0x20 })
        }
    }
}
