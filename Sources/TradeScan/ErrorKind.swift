import CSVCore
import Declarations
import Evaluation
import Report
import Scoring

/// What kind of failure an error is, for the exit code: 64 usage, 65 input, 1 internal.
public enum ErrorKind: Sendable {
    case usage, input, other

    public init(_ error: any Error) {
        switch error {
        case is RiskModelError, is AtomicDirectoryError: self = .usage
        case let e as TimeOrderedEvaluationError:
            if case .badDate = e { self = .usage } else { self = .input }
        case is IngestError, is InputFileError, is CSVTableError, is ModelFileError, is PreviousFlagsError,
             is EvaluationError: self = .input
        default: self = .other
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .usage: 64
        case .input: 65
        case .other: 1
        }
    }
}
