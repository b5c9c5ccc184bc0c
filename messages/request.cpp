#include "messages/request.hpp"

#include <array>
#include <chrono>

namespace usms {

namespace {

constexpr std::array<std::string_view, 6> state_names{
  "queued", "in_flight", "waiting_retry", "succeeded", "failed", "cancelled"};

} // namespace

std::string_view to_string(request_state x) {
  return state_names[static_cast<size_t>(x)];
}

std::optional<request_state> parse_request_state(std::string_view text) {
  for (size_t i = 0; i < state_names.size(); ++i)
    if (state_names[i] == text)
      return static_cast<request_state>(i);
  return std::nullopt;
}

bool is_finished(request_state x) {
  return x == request_state::succeeded || x == request_state::failed
         || x == request_state::cancelled;
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
    .count();
}

std::string serial_key(const ticket_request& req) {
  switch (req.act) {
    case action::create:
      return req.external_reference.empty() ? std::string{}
                                            : "x:" + req.external_reference;
    case action::update:
      return "t:" + std::string{to_string(req.type)} + ":" + req.ticket_id;
    case action::query: {
      // A query for one ticket waits for that ticket's earlier writes, so
      // it reads what was asked before it; a broad query does not wait.
      if (auto id = req.filter.find("TicketId"); id != req.filter.end())
        return "t:" + std::string{to_string(req.type)} + ":" + id->second;
      if (auto ref = req.filter.find("ExternalReference");
          ref != req.filter.end())
        return "x:" + ref->second;
      break;
    }
  }
  return {};
}

} // namespace usms
