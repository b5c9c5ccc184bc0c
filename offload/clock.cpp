#include "offload/clock.hpp"

namespace usms::offload {

namespace {

int64_t to_ms(time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           t.time_since_epoch())
    .count();
}

} // namespace

offload_clock::~offload_clock() = default;

time_point system_offload_clock::now() const {
  return std::chrono::system_clock::now();
}

manual_clock::manual_clock(time_point start) : ms_(to_ms(start)) {
}

time_point manual_clock::now() const {
  return time_point{std::chrono::milliseconds{ms_.load()}};
}

void manual_clock::set(time_point t) {
  ms_.store(to_ms(t));
}

void manual_clock::advance(std::chrono::milliseconds d) {
  ms_.fetch_add(d.count());
}

} // namespace usms::offload
