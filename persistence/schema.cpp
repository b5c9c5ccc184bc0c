#include "persistence/schema.hpp"

#include "persistence/migrations.hpp"

namespace usms::db {

void prepare_database(database& db) {
  // WAL + synchronous=FULL: a COMMIT returns only once the WAL is fsynced,
  // so an acknowledged request survives a power cut. Automatic checkpoints
  // would run inside COMMIT; the read side's housekeeping checkpoints
  // instead (ops_db::maintain, called by the reader actor).
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=FULL");
  db.exec("PRAGMA wal_autocheckpoint=0");
  // A storm grows the WAL to ~200 MB before a checkpoint catches up; once
  // it restarts, cut it back instead of keeping that on disk for good.
  db.exec("PRAGMA journal_size_limit=67108864");
  db.exec("PRAGMA foreign_keys=OFF");
  migrate(db);
}

} // namespace usms::db
