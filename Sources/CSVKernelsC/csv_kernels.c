// CSVKernelsC is header-only (include/csv_kernels.h); SwiftPM needs one source file.
#include "csv_kernels.h"
