#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/ticket.hpp"

namespace usms {

/// How a field's text is checked.
enum class field_kind : uint8_t {
  text,        ///< any string
  priority,    ///< integer 1..5 (Priority, Impact, Urgency)
  boolean,     ///< `true` / `false`
  date_time,   ///< xsd:dateTime
  change_type, ///< Standard | Normal | Emergency
  status,      ///< one of the ticket type's status values
};

/// One element of the flat `Ticket` type.
struct field_def {
  std::string_view soap_name; ///< `ConfigurationItem`
  std::string_view json_name; ///< `configuration_item`
  field_kind kind;
  bool incident;  ///< allowed on incidents
  bool change;    ///< allowed on changes
  bool problem;   ///< allowed on problems
  bool read_only; ///< set by USMS only (TicketId, CreatedAt, UpdatedAt)
};

/// Every field of `Ticket`, in the schema's `xsd:sequence` order.
const std::vector<field_def>& ticket_field_defs();

/// Looks a field up by its SOAP or its JSON name; nullptr when unknown.
const field_def* field_by_soap_name(std::string_view name);
const field_def* field_by_json_name(std::string_view name);

/// Whether `def` belongs to tickets of type `type`.
bool field_allowed(const field_def& def, ticket_type type);

/// The status values of a ticket type, in the order the XSD's documentation
/// lists them.
const std::vector<std::string_view>& status_values(ticket_type type);

/// Checks one value against its field's kind; an empty string when valid,
/// else a sentence naming what is wrong ("Priority must be 1..5").
std::string check_field_value(const field_def& def, ticket_type type,
                              std::string_view value);

/// The lexical checks behind `check_field_value`, as XML Schema defines them
/// (surrounding whitespace allowed): an xsd:int from 1 to 5, an xsd:boolean
/// (`true`, `false`, `1`, `0`), an xsd:dateTime (`2026-11-27T10:00:00Z`,
/// optional fraction and offset; years before 1 refused).
bool is_valid_priority(std::string_view value);
bool is_valid_boolean(std::string_view value);
bool is_valid_date_time(std::string_view value);

/// The model's one spelling of a value of a kind that value maps translate:
/// without the white space around it, and for xsd:int and xsd:boolean,
/// which allow several spellings of one value, "3" for "03" or "+3" and
/// `true`/`false` for "1"/"0". Maps are keyed by it, so the writer looks
/// values up in it and the reader gives values back in it.
std::string_view canonical_value(field_kind kind, std::string_view value);

/// The instant an xsd:dateTime names, in milliseconds since the Unix epoch
/// (no offset means UTC); nullopt when `is_valid_date_time` refuses the text
/// or its year has more than four digits.
std::optional<int64_t> date_time_ms(std::string_view value);

/// The query `Filter` elements, in schema order.
const std::vector<std::string_view>& query_filter_fields();

} // namespace usms
