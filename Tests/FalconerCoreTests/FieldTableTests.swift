import FalconerCore
import Testing

@Suite struct FieldTableTests {
    /// Random operations against a Dictionary plus an order list as the reference, across the size where the table
    /// switches from scanning to its index.
    @Test("lookups, replacements and removals agree with a dictionary, in arrival order, at every size")
    func agreesWithDictionary() {
        var generator = FuzzTests.SplitMix(state: 0xF1E1D)
        for size in [1, 5, 23, 24, 25, 26, 60, 300] {
            var table = FieldTable()
            var reference: [String: FieldValue] = [:]
            var order: [String] = []
            for step in 0..<(size * 4) {
                let name = "proc.aname[\(generator.next() % UInt64(size))]"
                if generator.next() % 5 == 0 {
                    table[name] = nil
                    reference[name] = nil
                    order.removeAll { $0 == name }
                } else {
                    let value = FieldValue.string("v\(step)")
                    let isNew = table.insert(value, for: name)
                    #expect(isNew == (reference[name] == nil))
                    if reference.updateValue(value, forKey: name) == nil { order.append(name) }
                }
                #expect(table[name] == reference[name])
            }
            #expect(table.names == order)
            #expect(table.count == reference.count)
            for name in order { #expect(table[name] == reference[name]) }
            #expect(table["absent.field"] == nil)
            #expect(table.map(\.name) == order)
        }
    }

    @Test("a dictionary literal keeps its order; names that differ only past their hash prefix stay apart")
    func literalOrder() {
        let table: FieldTable = ["b": .number("2"), "a": .bool(true), "ab": .string("x"), "ba": .string("y")]
        #expect(table.names == ["b", "a", "ab", "ba"])
        #expect(table["ab"] == .string("x") && table["ba"] == .string("y") && table["a"] == .bool(true))
    }
}
