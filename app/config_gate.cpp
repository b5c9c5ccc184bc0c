#include "app/config_gate.hpp"

#include <utility>

namespace usms::app {

void config_gate::run(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (busy_) {
      waiting_.push_back(std::move(job));
      return;
    }
    busy_ = true;
  }
  job();
}

void config_gate::done() {
  std::function<void()> next;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (waiting_.empty()) {
      busy_ = false;
      return;
    }
    next = std::move(waiting_.front());
    waiting_.pop_front();
  }
  next();
}

} // namespace usms::app
