/// A dense matrix of `Double` stored in column-major order, the layout BLAS and
/// LAPACK expect.
///
/// Element `(i, j)` (row `i`, column `j`, both 0-based) lives at
/// `elements[i + j * rows]`. Rows of a data matrix are observations and columns
/// are features throughout TradeScan, so a batch of `n` rows with `d` features is
/// an `n × d` matrix whose columns are contiguous feature vectors.
public struct Matrix: Sendable, Hashable, Codable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The elements in column-major order; `count == rows * columns`.
    public internal(set) var elements: [Double]

    /// A `rows × columns` matrix with every element set to `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// A matrix over existing column-major storage.
    ///
    /// - Throws: `LinearAlgebraError.dimensionMismatch` when
    ///   `columnMajor.count != rows * columns`.
    public init(rows: Int, columns: Int, columnMajor: [Double]) throws(LinearAlgebraError) {
        guard rows >= 0, columns >= 0, columnMajor.count == rows * columns else {
            throw .dimensionMismatch(
                operation: "Matrix(rows:columns:columnMajor:)",
                detail: "\(columnMajor.count) elements for a \(rows)×\(columns) matrix")
        }
        self.rows = rows
        self.columns = columns
        self.elements = columnMajor
    }

    /// A matrix from a list of rows, as written on paper: `Matrix([[1, 2], [3, 4]])`.
    ///
    /// - Throws: `LinearAlgebraError.dimensionMismatch` when the rows differ in length.
    public init(_ rowList: [[Double]]) throws(LinearAlgebraError) {
        let r = rowList.count
        let c = rowList.first?.count ?? 0
        var storage = Array(repeating: 0.0, count: r * c)
        for (i, row) in rowList.enumerated() {
            guard row.count == c else {
                throw .dimensionMismatch(
                    operation: "Matrix(_ rows:)",
                    detail: "row \(i) has \(row.count) elements, row 0 has \(c)")
            }
            for j in 0..<c { storage[i + j * r] = row[j] }
        }
        self.rows = r
        self.columns = c
        self.elements = storage
    }

    /// The `n × n` identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.elements[i + i * n] = 1 }
        return m
    }

    /// A square matrix with `values` on the diagonal.
    public static func diagonal(_ values: [Double]) -> Matrix {
        let n = values.count
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.elements[i + i * n] = values[i] }
        return m
    }

    /// Element `(row, column)`; traps when out of bounds.
    public subscript(row: Int, column: Int) -> Double {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            return elements[row + column * rows]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            elements[row + column * rows] = newValue
        }
    }

    /// `true` when the matrix has as many rows as columns.
    public var isSquare: Bool { rows == columns }

    /// The elements of column `j`, a contiguous slice of the storage.
    public func column(_ j: Int) -> ArraySlice<Double> {
        precondition(j >= 0 && j < columns, "Matrix column out of range")
        return elements[(j * rows)..<((j + 1) * rows)]
    }

    /// The elements of row `i` (strided in storage, so copied).
    public func row(_ i: Int) -> [Double] {
        precondition(i >= 0 && i < rows, "Matrix row out of range")
        return (0..<columns).map { elements[i + $0 * rows] }
    }

    /// The diagonal of the matrix (length `min(rows, columns)`).
    public var diagonalElements: [Double] {
        (0..<Swift.min(rows, columns)).map { elements[$0 + $0 * rows] }
    }

    /// The transpose.
    public func transposed() -> Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns {
            for i in 0..<rows { t.elements[j + i * columns] = elements[i + j * rows] }
        }
        return t
    }

    /// The rows as a list of arrays, for printing and tests.
    public var rowList: [[Double]] { (0..<rows).map(row) }

    /// Mirrors one triangle onto the other so the matrix is exactly symmetric.
    ///
    /// BLAS `syrk` and LAPACK `potrf` write only one triangle; call this to make
    /// the result usable by code that reads both.
    public mutating func symmetrize(from triangle: Triangle) {
        precondition(isSquare, "symmetrize needs a square matrix")
        let n = rows
        for j in 0..<n {
            for i in (j + 1)..<Swift.max(n, j + 1) {
                switch triangle {
                case .upper: elements[i + j * n] = elements[j + i * n]
                case .lower: elements[j + i * n] = elements[i + j * n]
                }
            }
        }
    }

    /// Sets the elements strictly above (`.upper`) or below (`.lower`) the diagonal to zero.
    public mutating func zeroStrictTriangle(_ triangle: Triangle) {
        precondition(isSquare, "zeroStrictTriangle needs a square matrix")
        let n = rows
        for j in 0..<n {
            for i in 0..<n where (triangle == .upper ? i < j : i > j) {
                elements[i + j * n] = 0
            }
        }
    }
}

/// Which triangle of a square matrix an operation reads or writes.
public enum Triangle: Sendable, Hashable, Codable {
    case upper
    case lower
}

/// Whether a BLAS operand is used as is or transposed.
public enum Transpose: Sendable, Hashable {
    case none
    case transpose
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        var out = "Matrix(\(rows)×\(columns))"
        for i in 0..<rows {
            out += "\n  ["
            out += (0..<columns).map { "\(elements[i + $0 * rows])" }.joined(separator: ", ")
            out += "]"
        }
        return out
    }
}
