// zstd, for the ledger's compressed message payloads.
#ifndef CRIER_CZSTD_SHIM_H
#define CRIER_CZSTD_SHIM_H

#include <zstd.h>

#endif
