#pragma once

/// Several gateway instances on one PostgreSQL database (see
/// persistence/cluster_store.hpp): leases in `instances`, claims with
/// FOR UPDATE SKIP LOCKED, hand-overs, the leader row.

#include <string>

#include "persistence/cluster_store.hpp"
#include "persistence/pg.hpp"

namespace usms::pg {

/// A request `r` nobody alive owns: no owner, or an owner token no
/// instance holds any more (it left, or its lease expired and a claim
/// removed it).
extern const char* const no_live_owner;

class pg_cluster : public storage::cluster_store {
public:
  /// Connects to `url` and upgrades the schema; throws pg_error.
  explicit pg_cluster(const std::string& url);

  bool shared() const override { return true; }
  /// A new token from `fencing_tokens`; an instance row of the same id
  /// (an earlier run) is replaced, so whatever that one still owns is
  /// free to claim.
  storage::lease_grant join(const std::string& id, int64_t now,
                            int64_t lease_ms) override;
  std::optional<storage::lease_grant>
  renew(const std::string& id, int64_t token, int64_t now, int64_t lease_ms,
        const std::string& usms_state, int64_t owned) override;
  /// One claimer at a time (a transaction-level advisory lock): instances
  /// whose lease expired are removed (their tokens die with them), then
  /// the oldest unfinished requests without a live owner are taken, and
  /// with them the others of their serial keys, so that a key's requests
  /// stay on one instance.
  std::vector<index_row> claim(const std::string& id, int64_t token,
                               int64_t now, int32_t limit) override;
  std::vector<index_row> handed_over(const std::string& id, int64_t token,
                                     int32_t limit) override;
  int64_t leave(const std::string& id, int64_t token) override;
  std::vector<storage::instance_row> instances(int64_t now) override;
  int64_t unfinished() override;
  int64_t unfinished_elsewhere(const std::string& instance_id) override;
  bool lead(const std::string& id, int64_t token, int64_t now,
            int64_t lease_ms) override;
  std::string leader(int64_t now) override;
  int64_t shared_version() override;

private:
  connection c_;
};

} // namespace usms::pg
