#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace usms {

/// What a client asks the gateway to do.
enum class action : uint8_t { create, update, query };

/// The three USMS ticket types.
enum class ticket_type : uint8_t { incident, change, problem };

/// `create`, `update`, `query`.
std::string_view to_string(action x);
std::optional<action> parse_action(std::string_view text);

/// `incident`, `change`, `problem` (the API's spelling).
std::string_view to_string(ticket_type x);
std::optional<ticket_type> parse_ticket_type(std::string_view text);

/// `Incident`, `Change`, `Problem` (the SOAP `TicketType` spelling).
std::string_view soap_name(ticket_type x);
std::optional<ticket_type> parse_soap_ticket_type(std::string_view text);

/// Ticket fields keyed by their SOAP element name (`Summary`,
/// `ConfigurationItem`, ...); values are the element's text. The codec puts
/// them in schema order, so a map's order does not matter.
using ticket_fields = std::map<std::string, std::string>;

} // namespace usms
