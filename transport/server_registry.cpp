#include "transport/server_registry.hpp"

#include <utility>

namespace usms::http::detail {

bool session_registry::add(const std::shared_ptr<session_base>& s) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (closed_)
    return false;
  sessions_.emplace(s.get(), s);
  return true;
}

void session_registry::remove(session_base* s) {
  std::shared_ptr<session_base> last;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto i = sessions_.find(s);
    if (i == sessions_.end())
      return;
    last = std::move(i->second);
    sessions_.erase(i);
  }
  // `last` may be the final owner: it dies here, outside the lock.
}

std::size_t session_registry::size() {
  std::lock_guard<std::mutex> guard{mutex_};
  return sessions_.size();
}

std::vector<std::shared_ptr<session_base>> session_registry::close() {
  std::vector<std::shared_ptr<session_base>> result;
  std::lock_guard<std::mutex> guard{mutex_};
  closed_ = true;
  result.reserve(sessions_.size());
  for (auto& entry : sessions_)
    result.push_back(std::move(entry.second));
  sessions_.clear();
  return result;
}

} // namespace usms::http::detail
