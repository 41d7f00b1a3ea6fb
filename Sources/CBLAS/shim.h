// The C interface TradeScan uses: CBLAS and OpenBLAS's runtime controls from
// OpenBLAS, and LAPACKE's C interface to LAPACK. Only the LinearAlgebra module
// imports this; everything else goes through its typed Swift wrappers.
#ifndef TRADESCAN_CBLAS_SHIM_H
#define TRADESCAN_CBLAS_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#endif
