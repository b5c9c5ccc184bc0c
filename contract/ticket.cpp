#include "contract/ticket.hpp"

namespace usms {

std::string_view to_string(action x) {
  switch (x) {
    case action::create:
      return "create";
    case action::update:
      return "update";
    case action::query:
      return "query";
  }
  return "unknown";
}

std::optional<action> parse_action(std::string_view text) {
  if (text == "create")
    return action::create;
  if (text == "update")
    return action::update;
  if (text == "query")
    return action::query;
  return std::nullopt;
}

std::string_view to_string(ticket_type x) {
  switch (x) {
    case ticket_type::incident:
      return "incident";
    case ticket_type::change:
      return "change";
    case ticket_type::problem:
      return "problem";
  }
  return "unknown";
}

std::optional<ticket_type> parse_ticket_type(std::string_view text) {
  if (text == "incident")
    return ticket_type::incident;
  if (text == "change")
    return ticket_type::change;
  if (text == "problem")
    return ticket_type::problem;
  return std::nullopt;
}

std::string_view soap_name(ticket_type x) {
  switch (x) {
    case ticket_type::incident:
      return "Incident";
    case ticket_type::change:
      return "Change";
    case ticket_type::problem:
      return "Problem";
  }
  return "Unknown";
}

std::optional<ticket_type> parse_soap_ticket_type(std::string_view text) {
  if (text == "Incident")
    return ticket_type::incident;
  if (text == "Change")
    return ticket_type::change;
  if (text == "Problem")
    return ticket_type::problem;
  return std::nullopt;
}

} // namespace usms
