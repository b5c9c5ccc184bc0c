#include "actors/due_timers.hpp"

namespace usms {

void due_timers::set(const std::string& key, int64_t at) {
  auto old = due_.find(key);
  if (old != due_.end() && old->second == at)
    return;
  if (at == 0) {
    if (old != due_.end())
      due_.erase(old);
    return;
  }
  due_[key] = at;
  by_time_.emplace(at, key);
}

std::vector<std::string> due_timers::take_due(int64_t now) {
  std::vector<std::string> out;
  while (!by_time_.empty() && by_time_.begin()->first <= now) {
    auto [when, key] = *by_time_.begin();
    by_time_.erase(by_time_.begin());
    auto d = due_.find(key);
    if (d == due_.end() || d->second != when)
      continue; // replaced by a later set()
    due_.erase(d);
    out.push_back(std::move(key));
  }
  return out;
}

std::optional<int64_t> due_timers::next() const {
  // Stale entries only make a tick early; take_due skips them.
  if (by_time_.empty())
    return std::nullopt;
  return by_time_.begin()->first;
}

} // namespace usms
