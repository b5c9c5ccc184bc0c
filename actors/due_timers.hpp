#pragma once

/// Keys waiting for a time: each key has at most one time (a new one
/// replaces the old), and the earliest comes first. What the alarm engine
/// keeps of its alarms' timers (one CAF timer for the earliest only).
/// CAF-free.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace usms {

class due_timers {
public:
  /// `key` is due at `at` (unix ms; 0: not any more).
  void set(const std::string& key, int64_t at);

  /// Removes and returns the keys due at or before `now`, earliest first.
  std::vector<std::string> take_due(int64_t now);

  /// The earliest time a key is due, if any.
  std::optional<int64_t> next() const;

private:
  std::unordered_map<std::string, int64_t> due_;
  /// May hold entries a later set() replaced; take_due skips them.
  std::multimap<int64_t, std::string> by_time_;
};

} // namespace usms
