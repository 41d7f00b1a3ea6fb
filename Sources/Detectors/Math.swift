#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The elementary functions the detectors and learners use, from the C library.
package enum Math {
    @inline(__always) package static func log(_ x: Double) -> Double { _log(x) }
    @inline(__always) package static func exp(_ x: Double) -> Double { _exp(x) }
    @inline(__always) package static func sin(_ x: Double) -> Double { _sin(x) }
    @inline(__always) package static func cos(_ x: Double) -> Double { _cos(x) }
    @inline(__always) package static func log1p(_ x: Double) -> Double { _log1p(x) }
    @inline(__always) package static func expm1(_ x: Double) -> Double { _expm1(x) }
    @inline(__always) package static func log10(_ x: Double) -> Double { _log10(x) }
}

#if canImport(Glibc)
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _exp(_ x: Double) -> Double { Glibc.exp(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Glibc.sin(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
@inline(__always) private func _log1p(_ x: Double) -> Double { Glibc.log1p(x) }
@inline(__always) private func _expm1(_ x: Double) -> Double { Glibc.expm1(x) }
@inline(__always) private func _log10(_ x: Double) -> Double { Glibc.log10(x) }
#else
@inline(__always) private func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) private func _exp(_ x: Double) -> Double { Darwin.exp(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { Darwin.sin(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Darwin.cos(x) }
@inline(__always) private func _log1p(_ x: Double) -> Double { Darwin.log1p(x) }
@inline(__always) private func _expm1(_ x: Double) -> Double { Darwin.expm1(x) }
@inline(__always) private func _log10(_ x: Double) -> Double { Darwin.log10(x) }
#endif
