#include "actors/request_identity.hpp"

#include <atomic>
#include <cstdio>
#include <random>

namespace usms {

std::string make_request_id() {
  // A random start: two instances journaling into one database at the
  // same millisecond do not count from the same number.
  static std::atomic<uint32_t> counter{std::random_device{}()};
  char buf[40];
  auto n = counter.fetch_add(1, std::memory_order_relaxed);
  std::snprintf(buf, sizeof(buf), "r%011llx%06x",
                static_cast<unsigned long long>(now_ms()), n & 0xffffffu);
  return buf;
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
