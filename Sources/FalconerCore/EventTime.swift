/// An instant as nanoseconds since the Unix epoch (UTC): Falco's own resolution.
package struct EventTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var nanoseconds: Int64
    package init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    package init(seconds: Int64) { self.nanoseconds = seconds &* 1_000_000_000 }

    package static func < (lhs: EventTime, rhs: EventTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// This time moved by `seconds` (negative moves back).
    package func adding(seconds: Int64) -> EventTime { EventTime(nanoseconds: nanoseconds &+ seconds &* 1_000_000_000) }

    /// RFC 3339 in UTC with nanoseconds, e.g. `2025-05-07T12:50:34.502309868Z`.
    package var description: String { RFC3339.format(self, fraction: true) }
}

/// Parses and formats RFC 3339 timestamps without Foundation's date types, which lose nanoseconds.
package enum RFC3339 {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`; a space may replace `T`. Returns nil on anything else.
    package static func parse(_ text: String) -> EventTime? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    private static func parse(utf8: UnsafeBufferPointer<UInt8>) -> EventTime? {
        guard utf8.count >= 19, utf8.count <= 64 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= utf8.count else { return nil }
            var value: Int64 = 0
            for index in start..<(start + count) {
                let byte = utf8[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"),
            utf8[10] == UInt8(ascii: "T") || utf8[10] == UInt8(ascii: "t") || utf8[10] == UInt8(ascii: " "),
            utf8[13] == UInt8(ascii: ":"), utf8[16] == UInt8(ascii: ":"),
            let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
            let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = 19
        var nanos: Int64 = 0
        if index < utf8.count, utf8[index] == UInt8(ascii: ".") {
            index += 1
            var scale: Int64 = 100_000_000
            let start = index
            while index < utf8.count, utf8[index] >= 48, utf8[index] <= 57 {
                nanos += Int64(utf8[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < utf8.count else { return nil }
        var offsetSeconds: Int64 = 0
        switch utf8[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Int64 = utf8[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = digits(index, 2) else { return nil }
            index += 2
            if index < utf8.count, utf8[index] == UInt8(ascii: ":") { index += 1 }
            guard let minutes = digits(index, 2), hours < 24, minutes < 60 else { return nil }
            index += 2
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        default:
            return nil
        }
        guard index == utf8.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        return EventTime(nanoseconds: product + nanos)
    }

    /// Formats as RFC 3339 UTC; with `fraction`, nanoseconds are written as nine digits.
    package static func format(_ time: EventTime, fraction: Bool) -> String {
        let (parts, nanos) = components(time)
        if let fast = fixedWidth(parts, nanos: fraction ? nanos : nil, dateTimeSeparator: UInt8(ascii: "T"), zone: "Z")
        {
            return fast
        }
        var text = "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
        text += "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2))"
        if fraction { text += ".\(pad(nanos, 9))" }
        return text + "Z"
    }

    /// Formats as `YYYY-MM-DD HH:MM:SS UTC`, which `journalctl --since` accepts (systemd.time(7)).
    package static func formatForJournal(_ time: EventTime) -> String {
        let (parts, _) = components(time)
        if let fast = fixedWidth(parts, nanos: nil, dateTimeSeparator: UInt8(ascii: " "), zone: " UTC") { return fast }
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2)) "
            + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)) UTC"
    }

    private struct Parts { var year, month, day, hour, minute, second: Int64 }

    /// The same text as the general formatters, written digit by digit into one buffer (these run for every alert
    /// whose steps name a time window); nil for a year outside 0...9999, which the general path pads its own way.
    private static func fixedWidth(_ parts: Parts, nanos: Int64?, dateTimeSeparator: UInt8, zone: StaticString)
        -> String?
    {
        guard parts.year >= 0, parts.year <= 9999 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(40)
        func digits(_ value: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(truncatingIfNeeded: rest / divisor) &+ 0x30)
                rest %= divisor
                divisor /= 10
            }
        }
        digits(parts.year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.day, 2)
        bytes.append(dateTimeSeparator)
        digits(parts.hour, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.minute, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.second, 2)
        if let nanos {
            bytes.append(UInt8(ascii: "."))
            digits(nanos, 9)
        }
        zone.withUTF8Buffer { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func components(_ time: EventTime) -> (Parts, Int64) {
        var seconds = time.nanoseconds / 1_000_000_000
        var nanos = time.nanoseconds % 1_000_000_000
        if nanos < 0 {
            nanos += 1_000_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        let (year, month, day) = civilFromDays(days)
        return (
            Parts(year: year, month: month, day: day, hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60),
            nanos
        )
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    // Howard Hinnant's civil-calendar algorithms (days since 1970-01-01, proleptic Gregorian).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day)
    }
}
