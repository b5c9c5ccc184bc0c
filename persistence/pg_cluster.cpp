#include "persistence/pg_cluster.hpp"

#include <algorithm>

#include "persistence/pg_migrations.hpp"
#include "persistence/pg_ops.hpp"
#include "persistence/pg_rows.hpp"
#include "persistence/rows.hpp"

namespace usms::pg {

namespace {

/// The advisory lock a claim holds ("usms_clm"): claims never interleave,
/// so no two instances split the requests of one serial key between them.
constexpr int64_t claim_lock = 0x75736d735f636c6d;

constexpr const char* unfinished_r
  = "r.state IN ('queued', 'in_flight', 'waiting_retry')";

std::string owned_index_columns() {
  return std::string{"requests."} + db::index_columns;
}

} // namespace

const char* const no_live_owner
  = "(r.owner_token IS NULL OR NOT EXISTS (SELECT 1 FROM instances i "
    "WHERE i.token = r.owner_token))";

pg_cluster::pg_cluster(const std::string& url) : c_(url) {
  migrate(c_);
}

storage::lease_grant pg_cluster::join(const std::string& id, int64_t now,
                                      int64_t lease_ms) {
  auto r = c_.run(
    "INSERT INTO instances (id, token, started_at, heartbeat_at, "
    "lease_until) VALUES ($1, nextval('fencing_tokens'), $2, $2, $3) "
    "ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token, "
    "started_at = EXCLUDED.started_at, heartbeat_at = EXCLUDED.heartbeat_at, "
    "lease_until = EXCLUDED.lease_until, usms_state = '', owned = 0 "
    "RETURNING token, lease_until",
    {id, now, now + lease_ms});
  return {r.int64(0, 0), r.int64(0, 1)};
}

std::optional<storage::lease_grant>
pg_cluster::renew(const std::string& id, int64_t token, int64_t now,
                  int64_t lease_ms, const std::string& usms_state,
                  int64_t owned) {
  // A claim that removed this instance holds its row's lock until it
  // commits: a renewal either comes first (and the claim then finds the
  // lease valid) or finds the row gone.
  auto r = c_.run("UPDATE instances SET heartbeat_at = $3, lease_until = $4, "
                  "usms_state = $5, owned = $6 WHERE id = $1 AND token = $2 "
                  "RETURNING lease_until",
                  {id, token, now, now + lease_ms, usms_state, owned});
  if (r.rows() == 0)
    return std::nullopt;
  return storage::lease_grant{token, r.int64(0, 0)};
}

std::vector<index_row> pg_cluster::claim(const std::string& id, int64_t token,
                                         int64_t now, int32_t limit) {
  std::vector<index_row> out;
  in_transaction(c_, [&] {
    c_.run("SELECT pg_advisory_xact_lock($1)", {claim_lock});
    // An instance that missed its lease loses its token: whatever it
    // still writes under it is fenced off from now on.
    auto gone = c_.run("DELETE FROM instances WHERE lease_until < $1 "
                       "AND token <> $2 RETURNING token",
                       {now, token});
    for (int i = 0; i < gone.rows(); ++i)
      c_.run("DELETE FROM handovers WHERE owner_token = $1",
             {gone.int64(i, 0)});
    // Rows a transaction still holds (a journal group under way) are
    // skipped, never waited for: the next claim gets them.
    auto first = c_.run(
      std::string{"WITH c AS (SELECT r.seq AS claim_seq FROM requests r "
                  "WHERE "}
        + unfinished_r + " AND " + no_live_owner
        + " ORDER BY r.seq LIMIT $3 FOR UPDATE OF r SKIP LOCKED) "
          "UPDATE requests SET owner = $1, owner_token = $2 FROM c "
          "WHERE requests.seq = c.claim_seq RETURNING "
        + owned_index_columns(),
      {id, token, limit});
    out = index_rows_of(first);
    if (out.empty())
      return;
    // The rest of the claimed requests' serial keys, wherever the limit
    // cut them off.
    auto mates = c_.run(
      std::string{"WITH k AS (SELECT DISTINCT serial_key FROM requests "
                  "WHERE owner_token = $2 AND serial_key <> '' AND seq = "
                  "ANY($3::bigint[])), c AS (SELECT r.seq AS claim_seq FROM "
                  "requests r JOIN k ON r.serial_key = k.serial_key WHERE "
                  "r.serial_key <> '' AND "}
        + unfinished_r + " AND " + no_live_owner
        + " FOR UPDATE OF r SKIP LOCKED) UPDATE requests SET owner = $1, "
          "owner_token = $2 FROM c WHERE requests.seq = c.claim_seq "
          "RETURNING "
        + owned_index_columns(),
      [&] {
        std::vector<int64_t> seqs;
        for (auto& row : out)
          seqs.push_back(row.seq);
        return std::vector<value>{id, token, bigint_array(seqs)};
      }());
    auto more = index_rows_of(mates);
    out.insert(out.end(), more.begin(), more.end());
  });
  std::sort(out.begin(), out.end(),
            [](auto& a, auto& b) { return a.seq < b.seq; });
  return out;
}

std::vector<index_row> pg_cluster::handed_over(const std::string&,
                                               int64_t token, int32_t limit) {
  auto r = c_.run(
    std::string{"WITH h AS (DELETE FROM handovers WHERE seq IN (SELECT seq "
                "FROM handovers WHERE owner_token = $1 ORDER BY seq LIMIT "
                "$2) RETURNING seq) SELECT "}
      + db::index_columns
      + " FROM requests WHERE seq IN (SELECT seq FROM h) AND owner_token = "
        "$1 AND state IN ('queued', 'in_flight', 'waiting_retry') "
        "ORDER BY seq",
    {token, limit});
  return index_rows_of(r);
}

int64_t pg_cluster::leave(const std::string& id, int64_t token) {
  int64_t given = 0;
  in_transaction(c_, [&] {
    given = c_.run("UPDATE requests SET owner = NULL, owner_token = NULL "
                   "WHERE owner_token = $1 AND state IN ('queued', "
                   "'in_flight', 'waiting_retry')",
                   {token})
              .affected();
    c_.run("DELETE FROM handovers WHERE owner_token = $1", {token});
    c_.run("DELETE FROM cluster_leader WHERE token = $1", {token});
    c_.run("DELETE FROM instances WHERE id = $1 AND token = $2", {id, token});
  });
  return given;
}

std::vector<storage::instance_row> pg_cluster::instances(int64_t now) {
  auto r = c_.run("SELECT id, started_at, heartbeat_at, lease_until, "
                  "(SELECT COUNT(*) FROM requests q WHERE q.owner_token = "
                  "i.token AND q.state IN ('queued', 'in_flight', "
                  "'waiting_retry')), usms_state FROM instances i "
                  "WHERE lease_until >= $1 ORDER BY started_at, id",
                  {now});
  std::vector<storage::instance_row> out;
  for (int i = 0; i < r.rows(); ++i) {
    storage::instance_row row;
    row.id = r.text(i, 0);
    row.started_at = r.int64(i, 1);
    row.heartbeat_at = r.int64(i, 2);
    row.lease_until = r.int64(i, 3);
    row.owned = r.int64(i, 4);
    row.usms_state = r.text(i, 5);
    out.push_back(std::move(row));
  }
  return out;
}

int64_t pg_cluster::unfinished() {
  return c_
    .run("SELECT COUNT(*) FROM requests "
         "WHERE state IN ('queued', 'in_flight', 'waiting_retry')")
    .int64(0, 0);
}

int64_t pg_cluster::unfinished_elsewhere(const std::string& instance_id) {
  return c_
    .run("SELECT COUNT(*) FROM requests "
         "WHERE state IN ('queued', 'in_flight', 'waiting_retry') "
         "AND owner IS DISTINCT FROM $1",
         {instance_id})
    .int64(0, 0);
}

bool pg_cluster::lead(const std::string& id, int64_t token, int64_t now,
                      int64_t lease_ms) {
  // The leader keeps the row while it renews; another takes it only once
  // it expired (or the leader left).
  auto r = c_.run(
    "INSERT INTO cluster_leader (role, id, token, lease_until) "
    "VALUES ('leader', $1, $2, $3) ON CONFLICT (role) DO UPDATE SET "
    "id = EXCLUDED.id, token = EXCLUDED.token, "
    "lease_until = EXCLUDED.lease_until WHERE cluster_leader.token = "
    "EXCLUDED.token OR cluster_leader.lease_until < $4 RETURNING token",
    {id, token, now + lease_ms, now});
  return r.rows() == 1;
}

std::string pg_cluster::leader(int64_t now) {
  auto r = c_.run("SELECT id FROM cluster_leader WHERE role = 'leader' AND "
                  "lease_until >= $1",
                  {now});
  return r.rows() ? r.text(0, 0) : std::string{};
}

int64_t pg_cluster::shared_version() {
  return c_.run("SELECT last_value FROM shared_changes").int64(0, 0);
}

} // namespace usms::pg
