#include "persistence/schema.hpp"

namespace usms::db {

void prepare_database(database& db) {
  // WAL + synchronous=FULL: a COMMIT returns only once the WAL is fsynced,
  // so an acknowledged request survives a power cut. Automatic checkpoints
  // would run inside COMMIT; the reader actor checkpoints instead.
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=FULL");
  db.exec("PRAGMA wal_autocheckpoint=0");
  // A storm grows the WAL to ~200 MB before a checkpoint catches up; once
  // it restarts, cut it back instead of keeping that on disk for good.
  db.exec("PRAGMA journal_size_limit=67108864");
  db.exec("PRAGMA foreign_keys=OFF");
  db.exec(R"sql(
CREATE TABLE IF NOT EXISTS requests (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  action TEXT NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  correlation_id TEXT NOT NULL DEFAULT '',
  reply_to TEXT NOT NULL DEFAULT '',
  idempotency_key TEXT,
  external_reference TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  sending INTEGER NOT NULL DEFAULT 0,
  lookup_first INTEGER NOT NULL DEFAULT 0,
  accepted_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL DEFAULT 0,
  result TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  reply_state TEXT NOT NULL DEFAULT '',
  reply_attempts INTEGER NOT NULL DEFAULT 0,
  reply_error TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS requests_idempotency
  ON requests(idempotency_key) WHERE idempotency_key IS NOT NULL;
-- A plain index: a partial one with an IN list made SQLite build and free an
-- ephemeral table on every write (and glibc trim the heap each time).
DROP INDEX IF EXISTS requests_unfinished;
CREATE INDEX IF NOT EXISTS requests_by_state ON requests(state);
CREATE INDEX IF NOT EXISTS requests_reply_pending
  ON requests(reply_state) WHERE reply_state = 'pending';

CREATE TABLE IF NOT EXISTS status_rows (
  row_id INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL,
  accepted_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  action TEXT NOT NULL,
  type TEXT NOT NULL,
  ticket_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  correlation_id TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  offload_batch INTEGER
);
CREATE INDEX IF NOT EXISTS status_rows_batch
  ON status_rows(offload_batch) WHERE offload_batch IS NOT NULL;

-- How many creates the gateway confirmed per ExternalReference. Kept apart
-- from status_rows so that offloading the status table never forgets it.
CREATE TABLE IF NOT EXISTS external_references (
  external_reference TEXT PRIMARY KEY,
  confirmed INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS runtime_config (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS reply_routes (
  source TEXT PRIMARY KEY,
  url TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS trend (
  at INTEGER PRIMARY KEY,
  count INTEGER NOT NULL
);

-- An offload batch between marking its rows and deleting them: its bytes
-- go to `file` from file_size_before to file_size_after (FNV-1a checksum),
-- which tells a restart whether they reached the file.
CREATE TABLE IF NOT EXISTS offload_batches (
  batch INTEGER PRIMARY KEY AUTOINCREMENT,
  file TEXT NOT NULL,
  file_size_before INTEGER NOT NULL,
  file_size_after INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  checksum INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
)sql");
}

void prepare_reader(database& db) {
  db.exec("PRAGMA query_only=1");
}

} // namespace usms::db
