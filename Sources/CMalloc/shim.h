// glibc's allocator controls (malloc_trim), for System.releaseFreeMemory.
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
