#pragma once

/// Several gateway instances on one database: each unfinished request is
/// owned by one instance under a lease renewed by a heartbeat and guarded
/// by a fencing token (the instance's token when it took the request: a
/// write under an older token does nothing). An instance that stops hands
/// its requests back; one that dies loses them to the others once its
/// lease has expired. One instance at a time leads: it runs the offload,
/// the janitor and the trend sampling. On a SQLite file there is only ever
/// one instance: it owns everything and always leads. One connection,
/// owned by the cluster member actor. Synchronous and blocking; throws
/// storage_error.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/request.hpp"

namespace usms::storage {

/// One gateway instance as the cluster sees it.
struct instance_row {
  std::string id;
  int64_t started_at = 0;   ///< unix ms
  int64_t heartbeat_at = 0; ///< unix ms: the last renewal
  int64_t lease_until = 0;  ///< unix ms
  int64_t owned = 0;        ///< unfinished requests it owns
  std::string usms_state;   ///< how it sees USMS
};

/// An instance's lease: valid until `until` (unix ms) under `token`.
struct lease_grant {
  int64_t token = 0;
  int64_t until = 0;
};

class cluster_store {
public:
  virtual ~cluster_store() = default;

  /// Whether several instances may share this storage.
  virtual bool shared() const = 0;

  /// Registers `id` under a new fencing token, its lease running until
  /// now + lease_ms.
  virtual lease_grant join(const std::string& id, int64_t now,
                           int64_t lease_ms)
    = 0;

  /// Renews the lease and records the instance's figures; nullopt when
  /// `token` is no longer the instance's (another took its requests over).
  virtual std::optional<lease_grant>
  renew(const std::string& id, int64_t token, int64_t now, int64_t lease_ms,
        const std::string& usms_state, int64_t owned)
    = 0;

  /// Takes over up to `limit` unfinished requests that nobody owns or
  /// whose owner's lease expired before `now`, for `id` under `token`:
  /// their index rows, oldest first. Rows another instance is taking at
  /// the same moment are skipped, never taken twice.
  virtual std::vector<index_row> claim(const std::string& id, int64_t token,
                                       int64_t now, int32_t limit)
    = 0;

  /// Takes up to `limit` of the unfinished requests another instance
  /// journaled for `id` under `token` since the last call, oldest first:
  /// each shares a serial key with a request `id` owns, so it must run
  /// after that one, on `id`.
  virtual std::vector<index_row> handed_over(const std::string& id,
                                             int64_t token, int32_t limit)
    = 0;

  /// A clean stop: gives every unfinished request of `id` back (nobody
  /// owns it; another instance claims it at once) and removes the
  /// instance. The number of requests given back.
  virtual int64_t leave(const std::string& id, int64_t token) = 0;

  /// The instances whose lease has not expired, oldest first.
  virtual std::vector<instance_row> instances(int64_t now) = 0;

  /// Unfinished requests of the whole cluster (for intake.max_pending).
  virtual int64_t unfinished() = 0;

  /// Unfinished requests not owned by `instance_id` (the others' backlog,
  /// counted in one statement so it never races this instance's own).
  virtual int64_t unfinished_elsewhere(const std::string& instance_id) = 0;

  /// Tries to lead (or to stay the leader) until now + lease_ms; true
  /// while `id` leads.
  virtual bool lead(const std::string& id, int64_t token, int64_t now,
                    int64_t lease_ms)
    = 0;

  /// The instance that leads now, or "" when none does.
  virtual std::string leader(int64_t now) = 0;

  /// A number that changes whenever the shared settings change (runtime
  /// config, reply routes, an operator's USMS pause), so that instances
  /// can poll for them cheaply.
  virtual int64_t shared_version() = 0;
};

} // namespace usms::storage
