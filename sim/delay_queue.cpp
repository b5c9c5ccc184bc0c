#include "sim/delay_queue.hpp"

#include <vector>

namespace usms::sim {

delay_queue::delay_queue() : thread_([this] { run(); }) {
}

delay_queue::~delay_queue() {
  stop();
}

void delay_queue::schedule(clock::time_point when, std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> guard(mtx_);
    if (!stopped_) {
      bool earliest = pending_.empty() || when < pending_.begin()->first;
      pending_.emplace(when, std::move(fn));
      if (earliest)
        cv_.notify_one();
      return;
    }
  }
  fn();
}

void delay_queue::stop() {
  {
    std::lock_guard<std::mutex> guard(mtx_);
    if (stopped_)
      return;
    stopped_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable())
    thread_.join();
}

void delay_queue::run() {
  std::unique_lock<std::mutex> lock(mtx_);
  for (;;) {
    if (stopped_)
      break;
    if (pending_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto first = pending_.begin();
    if (first->first > clock::now()) {
      cv_.wait_until(lock, first->first);
      continue;
    }
    // Callbacks run unlocked: they write to connections and may schedule.
    auto fn = std::move(first->second);
    pending_.erase(first);
    lock.unlock();
    fn();
    lock.lock();
  }
  auto rest = std::move(pending_);
  pending_.clear();
  lock.unlock();
  for (auto& entry : rest)
    entry.second();
}

} // namespace usms::sim
