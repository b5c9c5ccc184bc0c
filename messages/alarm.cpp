#include "messages/alarm.hpp"

#include <array>

namespace usms {

namespace {

template <class Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                               std::string_view text) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == text)
      return static_cast<Enum>(i);
  return std::nullopt;
}

constexpr std::array<std::string_view, 2> signal_names{"firing", "cleared"};

constexpr std::array<std::string_view, 4> state_names{"open", "resolved",
                                                      "closed", "flapping"};

constexpr std::array<std::string_view, 5> ticket_names{
    "none", "creating", "open", "resolved", "gone"};

constexpr std::array<std::string_view, 6> cause_names{
    "command",       "alarm_firing",   "alarm_repeat",
    "alarm_cleared", "alarm_reopened", "alarm_flapping"};

} // namespace

std::string_view to_string(alarm_signal x) {
  return signal_names[static_cast<std::size_t>(x)];
}

std::optional<alarm_signal> parse_alarm_signal(std::string_view text) {
  return parse_name<alarm_signal>(signal_names, text);
}

std::string_view to_string(alarm_state x) {
  return state_names[static_cast<std::size_t>(x)];
}

std::optional<alarm_state> parse_alarm_state(std::string_view text) {
  return parse_name<alarm_state>(state_names, text);
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
  return parse_name<alarm_ticket>(ticket_names, text);
}

std::string_view to_string(request_cause x) {
  return cause_names[static_cast<std::size_t>(x)];
}

std::optional<request_cause> parse_request_cause(std::string_view text) {
  return parse_name<request_cause>(cause_names, text);
}

alarm_state state_of(const alarm_record& r) {
  // The first three states are the phases, in the same order.
  return r.flapping ? alarm_state::flapping : static_cast<alarm_state>(r.phase);
}

} // namespace usms
