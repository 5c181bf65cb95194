#ifndef PACKETFLOW_CJANSSON_SHIM_H
#define PACKETFLOW_CJANSSON_SHIM_H
#include <jansson.h>
#endif
