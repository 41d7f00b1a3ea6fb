#!/usr/bin/env python3
"""Reference values for the LinearAlgebra tests, computed independently of BLAS/LAPACK.

Everything here is computed with mpmath at 60 significant digits (pure Python
arbitrary precision, no LAPACK underneath) and then rounded to the nearest double.
The inputs are fixed small matrices and a data set drawn from Python's own
seeded Mersenne Twister; both inputs and outputs are written to the fixture so the
Swift tests never need Python.

Regenerate:  python3 Scripts/reference/linear_algebra_reference.py > Fixtures/linear-algebra/reference.json
(mpmath is on this machine's Python; `pip install mpmath` otherwise.)
"""
import json
import random

import mpmath as mp

mp.mp.dps = 60


def to_float_matrix(m):
    return [[float(m[i, j]) for j in range(m.cols)] for i in range(m.rows)]


def main():
    rng = random.Random(20261121)

    # A symmetric positive definite 5x5: B Bᵀ + 5 I with small integer B.
    b = [[rng.randint(-3, 3) for _ in range(5)] for _ in range(5)]
    B = mp.matrix(b)
    A = B * B.T + 5 * mp.eye(5)
    L = mp.cholesky(A)
    rhs = [rng.randint(-9, 9) for _ in range(5)]
    x = mp.lu_solve(A, mp.matrix(rhs))
    logdet = mp.log(mp.det(A))
    evals, _ = mp.eigsy(A)
    evals = sorted(float(v) for v in evals)

    # A matrix that is symmetric but not positive definite: the 3rd leading minor is negative.
    not_pd = [[4, 2, 0, 0], [2, 5, 3, 0], [0, 3, 1, 0], [0, 0, 0, 2]]
    minors = [mp.det(mp.matrix([row[:k] for row in not_pd[:k]])) for k in range(1, 5)]
    first_bad = next(k + 1 for k, m in enumerate(minors) if m <= 0)

    # Least squares: 8x3 design with an intercept, noisy targets.
    design = [[1.0, rng.uniform(-2, 2), rng.uniform(0, 5)] for _ in range(8)]
    target = [rng.uniform(-10, 10) for _ in range(8)]
    D = mp.matrix(design)
    y = mp.matrix(target)
    coef = mp.lu_solve(D.T * D, D.T * y)
    resid = y - D * coef
    rss = sum(resid[i] ** 2 for i in range(8))

    # gemm: 3x4 times 4x2.
    g1 = [[rng.uniform(-1, 1) for _ in range(4)] for _ in range(3)]
    g2 = [[rng.uniform(-1, 1) for _ in range(2)] for _ in range(4)]
    gp = mp.matrix(g1) * mp.matrix(g2)

    # A data set far from zero (a cancellation trap for naive sums of squares).
    data = [[1e6 + rng.gauss(0, 1), -3e3 + rng.gauss(0, 2), rng.gauss(0, 0.5)] for _ in range(40)]
    for row in data:  # correlate the third feature with the first
        row[2] += 0.3 * (row[0] - 1e6)
    n = len(data)
    mean = [mp.fsum(mp.mpf(r[j]) for r in data) / n for j in range(3)]
    cov = mp.matrix(3, 3)
    for i in range(3):
        for j in range(3):
            cov[i, j] = mp.fsum((mp.mpf(r[i]) - mean[i]) * (mp.mpf(r[j]) - mean[j]) for r in data) / (n - 1)
    cov_inv = cov ** -1
    probes = [data[0], data[17], [1e6 + 3, -3e3, 0.0], [1e6, -3e3 + 4, 1.0]]
    maha = []
    for p in probes:
        d = mp.matrix([mp.mpf(p[j]) - mean[j] for j in range(3)])
        maha.append(float((d.T * cov_inv * d)[0]))

    out = {
        "about": "Computed by Scripts/reference/linear_algebra_reference.py with mpmath at 60 digits, rounded to double.",
        "spd": {
            "a": to_float_matrix(A),
            "cholesky_lower": to_float_matrix(L),
            "rhs": [float(v) for v in rhs],
            "solution": [float(x[i]) for i in range(5)],
            "log_determinant": float(logdet),
            "eigenvalues": evals,
        },
        "not_positive_definite": {"a": not_pd, "first_bad_minor": first_bad},
        "least_squares": {
            "design": design,
            "target": target,
            "coefficients": [float(coef[i]) for i in range(3)],
            "residual_sum_of_squares": float(rss),
        },
        "gemm": {"a": g1, "b": g2, "product": to_float_matrix(gp)},
        "moments": {
            "data": data,
            "mean": [float(v) for v in mean],
            "covariance": to_float_matrix(cov),
            "probes": probes,
            "mahalanobis_squared": maha,
        },
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
