#include "persistence/migrations.hpp"

#include "messages/request.hpp"

namespace usms::db {

namespace {

/// Version 1: the tables as the first release made them. Every statement
/// is IF NOT EXISTS, so a database from before versions were recorded
/// (which has exactly these tables) passes through it unchanged.
constexpr const char* version_1 = R"sql(
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
-- The operator's queries: the status table newest first, by status, by
-- source.
CREATE INDEX IF NOT EXISTS status_rows_finished
  ON status_rows(finished_at);
CREATE INDEX IF NOT EXISTS status_rows_status
  ON status_rows(status, finished_at);
CREATE INDEX IF NOT EXISTS status_rows_source
  ON status_rows(source, finished_at);

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
)sql";

/// Version 2: what the intake needs to keep only a small index of the
/// backlog in memory (passivated requests): each request's serial key (the
/// requests that must run one at a time, in order) and the moment an
/// operator last retried it (where its give-up clock starts). Unfinished
/// requests journaled before it get their serial key here.
constexpr const char* version_2 = R"sql(
ALTER TABLE requests ADD COLUMN serial_key TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN retried_at INTEGER NOT NULL DEFAULT 0;
UPDATE requests SET serial_key = 'x:' || external_reference
  WHERE action = 'create' AND external_reference <> ''
    AND state IN ('queued', 'in_flight', 'waiting_retry');
UPDATE requests
  SET serial_key = 't:' || type || ':'
                   || COALESCE(json_extract(payload, '$.ticket_id'), '')
  WHERE action = 'update'
    AND state IN ('queued', 'in_flight', 'waiting_retry');
)sql";

/// Version 3: alarm events and the lifecycle of their tickets. Requests
/// and status rows say why they were made (`cause`) and for which alarm
/// (`alarm_key`, NULL for commands); `alarms` holds each alarm's state with
/// the version a writer must find to change it; `alarm_events` every event
/// with the request it caused; `alarm_sync` where the sync from USMS stands
/// per ticket type. Written to run unchanged on PostgreSQL too (BIGINT for
/// times and counts, no AUTOINCREMENT, no WITHOUT ROWID).
constexpr const char* version_3 = R"sql(
ALTER TABLE requests ADD COLUMN cause TEXT NOT NULL DEFAULT 'command';
ALTER TABLE requests ADD COLUMN alarm_key TEXT;
ALTER TABLE status_rows ADD COLUMN cause TEXT NOT NULL DEFAULT 'command';
ALTER TABLE status_rows ADD COLUMN alarm_key TEXT;
-- What a start reads: the unfinished steps of alarms, and the newest create
-- of an alarm still waiting for its ticket.
CREATE INDEX IF NOT EXISTS requests_by_alarm
  ON requests(alarm_key) WHERE alarm_key IS NOT NULL;

CREATE TABLE IF NOT EXISTS alarms (
  alarm_key TEXT PRIMARY KEY,
  version BIGINT NOT NULL,
  state TEXT NOT NULL,
  type TEXT NOT NULL,
  phase TEXT NOT NULL,
  signal TEXT NOT NULL,
  ticket TEXT NOT NULL,
  ticket_id TEXT NOT NULL DEFAULT '',
  generation BIGINT NOT NULL,
  occurrences BIGINT NOT NULL,
  first_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  resolved_at BIGINT NOT NULL DEFAULT 0,
  ticket_left_open INTEGER NOT NULL DEFAULT 0,
  repeats BIGINT NOT NULL DEFAULT 0,
  last_repeat_at BIGINT NOT NULL DEFAULT 0,
  interval_ends_at BIGINT NOT NULL DEFAULT 0,
  changes TEXT NOT NULL DEFAULT '',
  flapping INTEGER NOT NULL DEFAULT 0,
  flap_noted INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL DEFAULT '',
  reply_to TEXT NOT NULL DEFAULT '',
  due_at BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
-- The list by state, newest first; the sync finds alarms by their ticket;
-- retention finds resolved and closed alarms by age.
CREATE INDEX IF NOT EXISTS alarms_by_state ON alarms(state, last_at);
CREATE INDEX IF NOT EXISTS alarms_by_last ON alarms(last_at);
CREATE INDEX IF NOT EXISTS alarms_by_ticket
  ON alarms(ticket_id) WHERE ticket_id <> '';
CREATE INDEX IF NOT EXISTS alarms_by_resolved
  ON alarms(resolved_at) WHERE resolved_at > 0;

-- Event ids are time-ordered: (alarm_key, event_id) is arrival order.
CREATE TABLE IF NOT EXISTS alarm_events (
  event_id TEXT PRIMARY KEY,
  alarm_key TEXT NOT NULL,
  signal TEXT NOT NULL,
  at BIGINT NOT NULL,
  source TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS alarm_events_by_key
  ON alarm_events(alarm_key, event_id);
CREATE INDEX IF NOT EXISTS alarm_events_by_time ON alarm_events(at);

CREATE TABLE IF NOT EXISTS alarm_sync (
  type TEXT PRIMARY KEY,
  updated_since BIGINT NOT NULL,
  seen TEXT NOT NULL DEFAULT ''
);
)sql";

/// Version 4: the owners of requests and the cluster's tables,
/// as on PostgreSQL. A SQLite file has one instance, which owns everything:
/// they stay empty here, and the schema stays the same on both backends.
constexpr const char* cluster_step = R"sql(
ALTER TABLE requests ADD COLUMN owner TEXT;
ALTER TABLE requests ADD COLUMN owner_token INTEGER;
CREATE TABLE IF NOT EXISTS instances (
  id TEXT PRIMARY KEY,
  token INTEGER NOT NULL UNIQUE,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL,
  usms_state TEXT NOT NULL DEFAULT '',
  owned INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS handovers (
  seq INTEGER PRIMARY KEY,
  owner_token INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cluster_leader (
  role TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  token INTEGER NOT NULL,
  lease_until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS shared_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

constexpr const char* versions_table = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
);
)sql";

bool has_versions_table(database& db) {
  auto q = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                      "AND name = 'schema_migrations'");
  return q.step();
}

} // namespace

const char* alarms_step_sql() {
  return version_3;
}

const std::vector<migration>& schema_migrations() {
  static const std::vector<migration> steps{
    {1, "requests, status table, operator tables, offload batches",
     version_1},
    {2, "serial keys and retry times of requests", version_2},
    {3, "alarms, alarm events, causes of requests and status rows",
     version_3},
    {4, "owners and fencing tokens of requests, instances, "
                   "hand-overs, the leader, shared state",
     cluster_step},
  };
  return steps;
}

int schema_version(database& db) {
  if (!has_versions_table(db))
    return 0;
  auto q = db.prepare("SELECT COALESCE(MAX(version), 0) "
                      "FROM schema_migrations");
  return q.step() ? static_cast<int>(q.int64(0)) : 0;
}

void check_known_version(int version, int latest) {
  if (version > latest)
    throw storage::storage_error(
      "the database has schema version " + std::to_string(version)
      + ", newer than this gateway knows (" + std::to_string(latest)
      + "): it was made by a newer release");
}

int migrate(database& db, const std::vector<migration>& steps) {
  return apply_missing_steps(
    steps, [&] { return schema_version(db); },
    [&](auto&& fn) {
      in_transaction(db, [&] {
        db.exec(versions_table);
        fn();
      });
    },
    [&](const migration& step) {
      db.exec(step.sql);
      auto rec = db.prepare("INSERT INTO schema_migrations (version, name, "
                            "applied_at) VALUES (?1, ?2, ?3)");
      rec.bind_int(1, step.version).bind(2, step.name).bind(3, now_ms());
      rec.run();
    });
}

} // namespace usms::db
