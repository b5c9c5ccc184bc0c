#include "messages/alarm.hpp"

#include <array>
#include <tuple>

#include "messages/enum_names.hpp"

namespace usms {

namespace {

constexpr std::array<std::string_view, 2> signal_names{"firing", "cleared"};

constexpr std::array<std::string_view, 4> state_names{"open", "resolved",
                                                      "closed", "flapping"};

constexpr std::array<std::string_view, 5> ticket_names{
    "none", "creating", "open", "resolved", "gone"};

} // namespace

std::string_view to_string(alarm_signal x) {
  return signal_names[static_cast<std::size_t>(x)];
}

std::optional<alarm_signal> parse_alarm_signal(std::string_view text) {
  return parse_enum_name<alarm_signal>(signal_names, text);
}

std::string_view to_string(alarm_state x) {
  return state_names[static_cast<std::size_t>(x)];
}

std::optional<alarm_state> parse_alarm_state(std::string_view text) {
  return parse_enum_name<alarm_state>(state_names, text);
}

// A phase is named like the state it shows as.
std::string_view to_string(alarm_phase x) {
  return state_names[static_cast<std::size_t>(x)];
}

std::optional<alarm_phase> parse_alarm_phase(std::string_view text) {
  auto state = parse_alarm_state(text);
  if (!state || *state == alarm_state::flapping)
    return std::nullopt;
  return static_cast<alarm_phase>(*state);
}

std::string_view to_string(alarm_ticket x) {
  return ticket_names[static_cast<std::size_t>(x)];
}

std::optional<alarm_ticket> parse_alarm_ticket(std::string_view text) {
  return parse_enum_name<alarm_ticket>(ticket_names, text);
}

namespace {

auto fields_of(const alarm_record& r) {
  return std::tie(r.key, r.type, r.phase, r.signal, r.ticket, r.ticket_id,
                  r.generation, r.occurrences, r.first_at, r.last_at,
                  r.resolved_at, r.ticket_left_open, r.repeats,
                  r.last_repeat_at, r.interval_ends_at, r.changes, r.flapping,
                  r.flap_noted, r.source, r.reply_to);
}

} // namespace

bool operator==(const alarm_record& a, const alarm_record& b) {
  return fields_of(a) == fields_of(b);
}

alarm_state state_of(const alarm_record& r) {
  // The first three states are the phases, in the same order.
  return r.flapping ? alarm_state::flapping : static_cast<alarm_state>(r.phase);
}

} // namespace usms
