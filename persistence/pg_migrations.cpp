#include "persistence/pg_migrations.hpp"

#include "messages/request.hpp"

namespace usms::pg {

namespace {

/// Version 1: the tables of the first release. The sequence numbers are
/// BIGSERIAL: the journal takes them ahead, a block per group commit.
constexpr const char* version_1 = R"sql(
CREATE TABLE requests (
  seq BIGSERIAL PRIMARY KEY,
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
  next_attempt_at BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  sending INTEGER NOT NULL DEFAULT 0,
  lookup_first INTEGER NOT NULL DEFAULT 0,
  accepted_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL DEFAULT 0,
  result TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  reply_state TEXT NOT NULL DEFAULT '',
  reply_attempts INTEGER NOT NULL DEFAULT 0,
  reply_error TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX requests_idempotency
  ON requests(idempotency_key) WHERE idempotency_key IS NOT NULL;
-- A range scan in journal order per state: the backlog at a restart, the
-- queue page.
CREATE INDEX requests_by_state ON requests(state, seq);
CREATE INDEX requests_reply_pending
  ON requests(seq) WHERE reply_state = 'pending';

CREATE TABLE status_rows (
  row_id BIGSERIAL PRIMARY KEY,
  request_id TEXT NOT NULL,
  accepted_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  action TEXT NOT NULL,
  type TEXT NOT NULL,
  ticket_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  correlation_id TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  offload_batch BIGINT
);
CREATE INDEX status_rows_batch
  ON status_rows(offload_batch) WHERE offload_batch IS NOT NULL;
CREATE INDEX status_rows_finished ON status_rows(finished_at, row_id);
CREATE INDEX status_rows_status ON status_rows(status, finished_at);
CREATE INDEX status_rows_source ON status_rows(source, finished_at);

-- How many creates the gateway confirmed per ExternalReference, apart
-- from status_rows so that offloading never forgets it.
CREATE TABLE external_references (
  external_reference TEXT PRIMARY KEY,
  confirmed BIGINT NOT NULL
);

CREATE TABLE runtime_config (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE reply_routes (
  source TEXT PRIMARY KEY,
  url TEXT NOT NULL
);

CREATE TABLE trend (
  at BIGINT PRIMARY KEY,
  count BIGINT NOT NULL
);

-- An offload batch between marking its rows and deleting them (see the
-- SQLite schema).
CREATE TABLE offload_batches (
  batch BIGSERIAL PRIMARY KEY,
  file TEXT NOT NULL,
  file_size_before BIGINT NOT NULL,
  file_size_after BIGINT NOT NULL,
  rows BIGINT NOT NULL,
  checksum BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
)sql";

/// Version 2: each request's serial key and the moment an operator last
/// retried it; unfinished requests journaled before it get their key.
constexpr const char* version_2 = R"sql(
ALTER TABLE requests ADD COLUMN serial_key TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN retried_at BIGINT NOT NULL DEFAULT 0;
UPDATE requests SET serial_key = 'x:' || external_reference
  WHERE action = 'create' AND external_reference <> ''
    AND state IN ('queued', 'in_flight', 'waiting_retry');
UPDATE requests
  SET serial_key = 't:' || type || ':'
                   || COALESCE(payload::jsonb ->> 'ticket_id', '')
  WHERE action = 'update'
    AND state IN ('queued', 'in_flight', 'waiting_retry');
)sql";

/// Version 4: several instances on one database. Each unfinished
/// request is owned by one instance (`owner`) under its fencing token
/// (`owner_token`, from `fencing_tokens`); `instances` holds each live
/// instance's lease; `handovers` the requests one instance journaled for
/// another (they share a serial key with one of its requests);
/// `cluster_leader` which instance runs the offload, the janitor and the
/// trend; `shared_state` what every instance applies (an operator's USMS
/// pause). Every change to the runtime config, the reply routes or the
/// shared state bumps `shared_changes`, which instances poll.
constexpr const char* cluster_step = R"sql(
ALTER TABLE requests ADD COLUMN owner TEXT;
ALTER TABLE requests ADD COLUMN owner_token BIGINT;
-- An instance's unfinished requests (fencing, hand-back, counts); a serial
-- key's unfinished requests in journal order (whom a new one goes to).
CREATE INDEX requests_owned ON requests(owner_token, seq)
  WHERE state IN ('queued', 'in_flight', 'waiting_retry');
CREATE INDEX requests_unfinished_key ON requests(serial_key, seq)
  WHERE state IN ('queued', 'in_flight', 'waiting_retry')
    AND serial_key <> '';
CREATE SEQUENCE fencing_tokens;
CREATE TABLE instances (
  id TEXT PRIMARY KEY,
  token BIGINT NOT NULL UNIQUE,
  started_at BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL,
  usms_state TEXT NOT NULL DEFAULT '',
  owned BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE handovers (
  seq BIGINT PRIMARY KEY,
  owner_token BIGINT NOT NULL
);
CREATE INDEX handovers_by_owner ON handovers(owner_token, seq);
CREATE TABLE cluster_leader (
  role TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  token BIGINT NOT NULL,
  lease_until BIGINT NOT NULL
);
CREATE TABLE shared_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE SEQUENCE shared_changes;
CREATE FUNCTION note_shared_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nextval('shared_changes');
  RETURN NULL;
END
$$;
CREATE TRIGGER runtime_config_changed
  AFTER INSERT OR UPDATE OR DELETE ON runtime_config
  FOR EACH STATEMENT EXECUTE FUNCTION note_shared_change();
CREATE TRIGGER reply_routes_changed
  AFTER INSERT OR UPDATE OR DELETE ON reply_routes
  FOR EACH STATEMENT EXECUTE FUNCTION note_shared_change();
CREATE TRIGGER shared_state_changed
  AFTER INSERT OR UPDATE OR DELETE ON shared_state
  FOR EACH STATEMENT EXECUTE FUNCTION note_shared_change();
)sql";

constexpr const char* versions_table = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
);
)sql";

/// The advisory lock every schema step takes ("usms_sch").
constexpr int64_t migration_lock = 0x75736d735f736368;

} // namespace

const std::vector<db::migration>& schema_migrations() {
  static const std::vector<db::migration> steps{
      {1, "requests, status table, operator tables, offload batches",
       version_1},
      {2, "serial keys and retry times of requests", version_2},
      // Written in SQL both backends take.
      {3, "alarms, alarm events, causes of requests and status rows",
       db::alarms_step_sql()},
      {4, "owners and fencing tokens of requests, instances, "
                     "hand-overs, the leader, shared state",
       cluster_step},
  };
  return steps;
}

int schema_version(connection& c) {
  auto exists = c.run("SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (exists.text(0, 0) != "t")
    return 0;
  auto q = c.run("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return static_cast<int>(q.int64(0, 0));
}

int migrate(connection& c, const std::vector<db::migration>& steps) {
  return db::apply_missing_steps(
      steps, [&] { return schema_version(c); },
      [&](auto&& fn) {
        in_transaction(c, [&] {
          // Held until this transaction ends: another gateway's step waits
          // here and then finds the version moved on.
          c.run("SELECT pg_advisory_xact_lock($1)", {migration_lock});
          c.exec(versions_table);
          fn();
        });
      },
      [&](const db::migration& step) {
        c.exec(step.sql);
        c.run("INSERT INTO schema_migrations (version, name, applied_at) "
              "VALUES ($1, $2, $3)",
              {step.version, step.name, now_ms()});
      });
}

} // namespace usms::pg
