#include "actors/request_identity.hpp"

#include <atomic>
#include <cstdio>
#include <random>

namespace usms {

namespace {

/// `<prefix>` + 11 hex digits of the time in ms + 6 of a counter.
std::string make_time_ordered_id(char prefix) {
  // A random start: two instances journaling into one database at the
  // same millisecond do not count from the same number.
  static std::atomic<uint32_t> counter{std::random_device{}()};
  char buf[40];
  auto n = counter.fetch_add(1, std::memory_order_relaxed);
  std::snprintf(buf, sizeof(buf), "%c%011llx%06x", prefix,
                static_cast<unsigned long long>(now_ms()), n & 0xffffffu);
  return buf;
}

} // namespace

std::string make_request_id() {
  return make_time_ordered_id('r');
}

std::string make_event_id() {
  return make_time_ordered_id('e');
}

void assign_identity(ticket_request& req) {
  if (req.id.empty())
    req.id = make_request_id();
  if (req.accepted_at == 0)
    req.accepted_at = now_ms();
  if (req.act == action::create && req.external_reference.empty())
    req.external_reference = !req.correlation_id.empty() ? req.correlation_id
                                                         : req.id;
}

} // namespace usms
