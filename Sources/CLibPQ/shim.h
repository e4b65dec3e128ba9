// libpq, PostgreSQL's C client library, for the PostgreSQL ledger.
#ifndef CRIER_CLIBPQ_SHIM_H
#define CRIER_CLIBPQ_SHIM_H

#include <libpq-fe.h>

/// PG_DIAG_SQLSTATE as a constant Swift can read (the five-character error code).
static const int crier_pq_diag_sqlstate = PG_DIAG_SQLSTATE;
/// PG_DIAG_MESSAGE_PRIMARY.
static const int crier_pq_diag_message_primary = PG_DIAG_MESSAGE_PRIMARY;

#endif
