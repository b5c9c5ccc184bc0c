#pragma once

/// The storage seam's entry: a storage location opens a backend, and the
/// backend opens one connection per owner, each behind the interface of
/// what that owner does. Actors see only these interfaces; which database
/// sits behind them is decided here, by the location alone.

#include <memory>
#include <string>

#include "config/storage_target.hpp"
#include "persistence/alarm_store.hpp"
#include "persistence/cluster_store.hpp"
#include "persistence/journal_store.hpp"
#include "persistence/offload_store.hpp"
#include "persistence/operator_store.hpp"
#include "persistence/read_store.hpp"
#include "persistence/storage_error.hpp"

namespace usms::storage {

/// One storage location. Every open_* call opens a new connection (and
/// upgrades the schema first when the database is older than this build);
/// each connection belongs to one owner and is used from one thread.
class backend {
public:
  virtual ~backend() = default;

  /// Which implementation and where, for messages (never a password).
  virtual std::string describe() const = 0;

  /// The journal's write connection.
  virtual std::unique_ptr<journal_store> open_journal() const = 0;

  /// A read connection (request lookups and the storage's housekeeping).
  virtual std::unique_ptr<read_store> open_reader() const = 0;

  /// The operator side's connection (its reads and its tables).
  virtual std::unique_ptr<operator_store> open_operator() const = 0;

  /// The offload's write connection.
  virtual std::unique_ptr<offload_store> open_offload() const = 0;

  /// The cluster member's connection: leases, claims, the leader.
  virtual std::unique_ptr<cluster_store> open_cluster() const = 0;

  /// The alarms' read connection (the alarm store actor's). Alarms are
  /// written by the journal connection, with the requests they cause.
  virtual std::unique_ptr<alarm_store> open_alarms() const = 0;

  /// Why the storage could not take writes now, or "" (for /readyz). Cheap
  /// and safe from any thread: it opens no connection.
  virtual std::string readiness_problem() const = 0;
};

/// The backend for `target` (see config::resolved_storage): SQLite at its
/// path (the file is created at the first open when missing), or
/// PostgreSQL at its libpq URL (the database must exist; its tables are
/// created at the first open). Opens no connection yet; an empty SQLite
/// path is refused with a storage_error.
std::shared_ptr<const backend>
open_backend(const config::storage_target& target);

/// The same for a location as the storage's owners are given it: a
/// `postgresql://` or `postgres://` URI, `sqlite:PATH`, or else a SQLite
/// file path (config::storage_from_url reads it).
std::shared_ptr<const backend> open_backend(const std::string& location);

} // namespace usms::storage
