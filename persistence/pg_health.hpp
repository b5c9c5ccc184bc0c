#pragma once

/// Whether the database can take writes, as this process's connections to
/// it last saw: what readiness reports without opening a connection.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace usms::pg {

/// The last word of the connections to one database: fine, or a problem
/// that stops writes (unreachable, a read-only standby, out of disk).
/// Written by every connection, read from any thread.
class health {
public:
  /// A round trip went well: clears a problem (cheap when there is none).
  void ok() noexcept;

  /// Records why the database cannot take writes now.
  void failed(const std::string& problem);

  /// The current problem, or "".
  std::string problem() const;

private:
  std::atomic<bool> failing_{false};
  mutable std::mutex mtx_;
  std::string problem_;
};

/// The health shared by every connection to `url` in this process.
std::shared_ptr<health> health_of(const std::string& url);

/// True when the SQLSTATE `code` says the database cannot take writes now
/// (connection lost, shutting down, out of resources, read-only), not that
/// one statement was wrong.
bool is_availability_problem(std::string_view code);

} // namespace usms::pg
