#pragma once

/// The offload's time source. Injectable so that tests can move the clock
/// across hours, days and time-zone transitions.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace usms::offload {

using time_point = std::chrono::system_clock::time_point;

/// What the offload scheduler and the file janitor ask for "now".
class offload_clock {
public:
  virtual ~offload_clock();
  /// The current time (UTC-based, like std::chrono::system_clock).
  virtual time_point now() const = 0;
};

/// The real clock.
class system_offload_clock final : public offload_clock {
public:
  time_point now() const override;
};

/// A clock that stands still until told to move; safe to use from several
/// threads.
class manual_clock final : public offload_clock {
public:
  explicit manual_clock(time_point start = time_point{});
  time_point now() const override;
  void set(time_point t);
  void advance(std::chrono::milliseconds d);

private:
  std::atomic<int64_t> ms_;
};

} // namespace usms::offload
