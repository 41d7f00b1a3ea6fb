// zlib, for reading .csv.gz inputs (Debian package zlib1g-dev).
#include <zlib.h>
