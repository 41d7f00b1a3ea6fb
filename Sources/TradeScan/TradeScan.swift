/// TradeScan: batch anomaly detection for customs declarations.
///
/// This module is the façade the command-line tool and other programs use:
/// configuration in, results out. It re-exports nothing; the numerical layer is
/// the separate `LinearAlgebra` library.
public enum TradeScanInfo {
    /// The release version, printed by `tradescan --version`.
    public static let version = "0.1.0"
}
