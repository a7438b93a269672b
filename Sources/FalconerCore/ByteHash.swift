/// The hash of field names for `FieldTable` and `KnownField`, and a fast byte comparison.
///
/// Field names come from the alert, so the hash is seeded once per process: names crafted offline to collide in a
/// table's low bits (which would make a large alert's fields quadratic to insert) collide only by chance. The hash
/// reads eight bytes at a time, so a 15-byte field name costs two rounds instead of fifteen. Nothing that must be
/// stable across runs uses it (stable ids use FNV-1a, `FingerprintKey`).
package enum ByteHash {
    private static let seed = UInt64.random(in: .min ... .max)

    /// The seeded hash of `bytes`.
    @inline(__always)
    package static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let count = bytes.count
        var state = seed ^ (UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15)
        guard let base = bytes.baseAddress else { return finish(state) }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= count {
            state = mix(state ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                word |= UInt64(raw.load(fromByteOffset: offset, as: UInt8.self)) << shift
                shift += 8
                offset += 1
            }
            state = mix(state ^ word)
        }
        return finish(state)
    }

    /// The seeded hash of a string's UTF-8 bytes.
    @inline(__always)
    package static func hash(_ text: String) -> UInt32 {
        var text = text
        return text.withUTF8 { hash($0) }
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        let product = value &* 0xBF58_476D_1CE4_E5B9
        return product ^ (product >> 31)
    }

    @inline(__always)
    private static func finish(_ value: UInt64) -> UInt32 {
        let product = (value ^ (value >> 32)) &* 0x94D0_49BB_1331_11EB
        return UInt32(truncatingIfNeeded: product ^ (product >> 29))
    }

    /// True when `count` bytes at `lhs` and `rhs` are equal (eight at a time).
    @inline(__always)
    package static func equal(_ lhs: UnsafeRawPointer, _ rhs: UnsafeRawPointer, count: Int) -> Bool {
        var offset = 0
        while offset + 8 <= count {
            if lhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != rhs.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            {
                return false
            }
            offset += 8
        }
        while offset < count {
            if lhs.load(fromByteOffset: offset, as: UInt8.self) != rhs.load(fromByteOffset: offset, as: UInt8.self) {
                return false
            }
            offset += 1
        }
        return true
    }

    /// True when the two buffers hold the same bytes.
    @inline(__always)
    package static func equal(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard let left = lhs.baseAddress, let right = rhs.baseAddress else { return true }
        return equal(UnsafeRawPointer(left), UnsafeRawPointer(right), count: lhs.count)
    }
}
