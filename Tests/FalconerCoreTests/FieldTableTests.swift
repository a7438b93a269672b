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

    @Test("known fields: sorted, unique, within the slot array, and read the same by slot as by name")
    func knownFields() {
        let names = (0..<KnownField.count).compactMap { index in
            KnownField.allNames.indices.contains(index) ? KnownField.allNames[index] : nil
        }
        #expect(names.count == KnownField.count && KnownField.count <= 160)
        #expect(names == names.sorted() && Set(names).count == names.count)
        for name in names { #expect(KnownField(named: name)?.name == name) }
        #expect(KnownField(named: "proc.nope") == nil && KnownField(named: "") == nil)
        var table = FieldTable()
        for (position, name) in names.enumerated() where position % 3 != 0 {
            table.insert(.string("v\(position)"), for: name)
        }
        table["proc.name"] = nil
        for name in names { #expect(table[KnownField(named: name)!] == table[name], "\(name)") }
        // Past 255 entries slots no longer fit a byte: known fields are then found by name.
        var big = FieldTable()
        for index in 0..<300 { big.insert(.number(String(index)), for: "custom.field[\(index)]") }
        big.insert(.string("gdb"), for: "proc.name")
        #expect(big[.procName] == .string("gdb") && big[.procPid] == nil)
    }
}
