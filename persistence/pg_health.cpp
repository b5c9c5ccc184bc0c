#include "persistence/pg_health.hpp"

#include <map>

namespace usms::pg {

void health::ok() noexcept {
  if (!failing_.load(std::memory_order_relaxed))
    return;
  std::lock_guard<std::mutex> guard{mtx_};
  problem_.clear();
  failing_.store(false, std::memory_order_relaxed);
}

void health::failed(const std::string& problem) {
  std::lock_guard<std::mutex> guard{mtx_};
  problem_ = problem;
  failing_.store(true, std::memory_order_relaxed);
}

std::string health::problem() const {
  if (!failing_.load(std::memory_order_relaxed))
    return {};
  std::lock_guard<std::mutex> guard{mtx_};
  return problem_;
}

std::shared_ptr<health> health_of(const std::string& url) {
  // Every owner opens the backend on its own; the URL joins them. Entries
  // live as long as the process: a gateway has one database.
  static std::mutex mtx;
  static std::map<std::string, std::shared_ptr<health>> by_url;
  std::lock_guard<std::mutex> guard{mtx};
  auto& entry = by_url[url];
  if (!entry)
    entry = std::make_shared<health>();
  return entry;
}

bool is_availability_problem(std::string_view code) {
  auto cls = code.substr(0, 2);
  // 08 connection exception, 53 insufficient resources (disk full, too
  // many connections), 57P0x shutdown or not yet accepting, 58 system
  // (I/O) error, 25006 read-only transaction (a standby).
  return cls == "08" || cls == "53" || cls == "58"
         || code.substr(0, 4) == "57P0" || code == "25006";
}

} // namespace usms::pg
