#include "messages/request.hpp"

#include <array>
#include <chrono>

#include "messages/enum_names.hpp"

namespace usms {

namespace {

constexpr std::array<std::string_view, 6> state_names{
  "queued", "in_flight", "waiting_retry", "succeeded", "failed", "cancelled"};

constexpr std::array<std::string_view, 6> cause_names{
  "command",       "alarm_firing",   "alarm_repeat",
  "alarm_cleared", "alarm_reopened", "alarm_flapping"};

} // namespace

std::string_view to_string(request_cause x) {
  return cause_names[static_cast<size_t>(x)];
}

std::optional<request_cause> parse_request_cause(std::string_view text) {
  return parse_enum_name<request_cause>(cause_names, text);
}

std::string_view to_string(request_state x) {
  return state_names[static_cast<size_t>(x)];
}

std::optional<request_state> parse_request_state(std::string_view text) {
  return parse_enum_name<request_state>(state_names, text);
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
