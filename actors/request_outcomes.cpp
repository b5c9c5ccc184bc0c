#include "actors/request_outcomes.hpp"

#include "common/iso_time.hpp"

namespace usms {

request_outcome success_of(const ticket_request& req, call_result& r) {
  request_outcome out;
  out.state = request_state::succeeded;
  switch (req.act) {
    case action::create:
      out.ticket_id = std::move(r.ticket_id);
      break;
    case action::update:
      out.ticket_id = req.ticket_id;
      out.tickets = std::move(r.tickets);
      break;
    case action::query:
      out.tickets = std::move(r.tickets);
      out.total_count = r.total_count;
      break;
  }
  return out;
}

const ticket_fields* newest_ticket(const std::vector<ticket_fields>& tickets) {
  const ticket_fields* best = nullptr;
  std::string best_at;
  for (auto& t : tickets) {
    auto i = t.find("CreatedAt");
    std::string at = i != t.end() ? i->second : std::string{};
    if (!best || at >= best_at) {
      best = &t;
      best_at = std::move(at);
    }
  }
  return best;
}

std::string gave_up_after(const std::string& reason, int attempts) {
  return reason + " (gave up after " + std::to_string(attempts)
         + (attempts == 1 ? " attempt)" : " attempts)");
}

std::string give_up_reason(int64_t now, int64_t clock_start, bool retried,
                           const usms_status& usms,
                           const std::string& last_error) {
  auto waited_s = (now - clock_start) / 1000;
  std::string why = "gave up: unfinished " + std::to_string(waited_s)
                    + " s after it was " + (retried ? "retried" : "accepted")
                    + " (soap.give_up_after)";
  if (!usms.available)
    why += "; USMS unreachable since " + format_iso8601_utc(usms.since) + " ("
           + usms.state + ")";
  if (!last_error.empty())
    why += "; last error: " + last_error;
  return why;
}

} // namespace usms
