#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// χ² distribution facts for 1 to 4 degrees of freedom (closed forms).
enum ChiSquare {
    /// P(X > x) for X ~ χ²(k), k in 1…4.
    static func survival(_ x: Double, degrees k: Int) -> Double {
        guard x > 0 else { return 1 }
        switch k {
        case 1: return erfc((x / 2).squareRoot())
        case 2: return exp(-x / 2)
        case 3: return erfc((x / 2).squareRoot()) + (2 * x / Double.pi).squareRoot() * exp(-x / 2)
        default: return exp(-x / 2) * (1 + x / 2)
        }
    }

    /// −log10 P(X > x): the anomaly score of a squared distance (finite, capped at 300).
    static func score(_ x: Double, degrees k: Int) -> Double {
        guard x.isFinite else { return x > 0 ? 300 : 0 }
        let p = survival(x, degrees: k)
        if p > 1e-300 { return min(300, -log10(p)) }
        // Far tail: use the leading term, −log10(e^{-x/2} x^{k/2−1} / (2^{k/2−1} Γ(k/2))).
        let lnp = -x / 2 + (Double(k) / 2 - 1) * log(x) - (Double(k) / 2 - 1) * log(2) - lgamma(Double(k) / 2)
        return min(300, -lnp / log(10))
    }

    /// Median of χ²(k), k in 1…4.
    static let median: [Double] = [0, 0.454_936, 1.386_294, 2.365_974, 3.356_694]
    /// 0.975 quantile of χ²(k), k in 1…4.
    static let q975: [Double] = [0, 5.023_886, 7.377_759, 9.348_404, 11.143_287]
    /// 0.975 / P(χ²(k + 2) ≤ q975[k]), k in 1…4: the factor that makes the covariance
    /// of a normal sample cut at its 97.5% ellipsoid consistent again.
    static let truncation975: [Double] = [1, 1.174_779, 1.104_468, 1.078_479, 1.064_466]
}
