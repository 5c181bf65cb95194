#ifndef PACKETFLOW_CMALLOC_SHIM_H
#define PACKETFLOW_CMALLOC_SHIM_H
// glibc's allocator controls (mallopt), for commands that tune the allocator to their load.
#include <malloc.h>
#endif
