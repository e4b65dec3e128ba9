// zlib, for the ledger's compressed message payloads.
#ifndef CRIER_CZLIB_SHIM_H
#define CRIER_CZLIB_SHIM_H

#include <zlib.h>

#endif
