/// A command-line failure with the exit code it maps to.
struct CLIError: Error, CustomStringConvertible {
    enum Reason {
        /// Bad arguments: exit 64 (EX_USAGE).
        case usage
        /// Bad input data: exit 65 (EX_DATAERR).
        case badData
        /// A named input is missing or unreadable: exit 66 (EX_NOINPUT).
        case missingInput
        /// Anything else: exit 1.
        case failure
    }

    var reason: Reason
    var message: String

    var exitCode: Int32 {
        switch reason {
        case .usage: 64
        case .badData: 65
        case .missingInput: 66
        case .failure: 1
        }
    }

    var description: String { message }
}
