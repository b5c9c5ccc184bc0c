#pragma once

/// The HTTP server's open connections. A session waiting for the
/// application has no pending I/O, so something must keep it alive;
/// responders only hold weak references, so stop() can close everything
/// even while the application still holds responders. Private to transport/.

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "transport/server_session.hpp"

namespace usms::http::detail {

class session_registry {
public:
  /// Keeps `s` alive until remove(); false (and not kept) once closed.
  bool add(const std::shared_ptr<session_base>& s);

  /// Forgets `s`; it may die here, outside the lock.
  void remove(session_base* s);

  /// How many sessions are open.
  std::size_t size();

  /// Refuses new sessions and hands over the open ones.
  std::vector<std::shared_ptr<session_base>> close();

private:
  std::mutex mutex_;
  bool closed_ = false;
  std::unordered_map<session_base*, std::shared_ptr<session_base>> sessions_;
};

} // namespace usms::http::detail
