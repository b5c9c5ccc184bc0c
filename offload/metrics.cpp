#include "offload/metrics.hpp"

namespace usms::offload {

void offload_metrics::record_failure(const std::string& message) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    last_error_ = message;
  }
  failures.fetch_add(1);
  failing.store(true);
}

void offload_metrics::record_success(int64_t now_ms) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    last_error_.clear();
  }
  last_success_ms.store(now_ms);
  failing.store(false);
}

std::string offload_metrics::last_error() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return last_error_;
}

} // namespace usms::offload
