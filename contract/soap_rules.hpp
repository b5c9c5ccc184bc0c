#pragma once

/// The contract's rules on a call's content, shared by the writer (the
/// gateway checks before sending) and the reader (the simulator answers a
/// Client fault): which fields an operation and ticket type accept, which
/// are read-only, what values are valid. Each returns an empty string when
/// the content is valid, else one sentence naming the field.

#include <string>
#include <string_view>

#include "contract/soap_codec.hpp"
#include "contract/ticket_fields.hpp"

namespace usms::soap {

/// Whether `op` is offered by API version `v`.
bool offered(operation op, int api_version);

/// "CreateTicket is not offered by USMS API v1".
std::string not_offered_message(operation op, int api_version);

/// The flat children of `CreateIncidentRequest`, in schema order.
const std::vector<std::string_view>& create_incident_fields();

/// Fields of a `CreateIncidentRequest` (Summary required).
std::string check_create_incident(const ticket_fields& fields);

/// The `Ticket` of a CreateTicket (`create` true: Summary required) or of an
/// UpdateTicket: known fields of the type, none read-only, valid values.
std::string check_ticket(const ticket_fields& fields, ticket_type type,
                         bool create);

/// A QueryTickets `Filter`.
std::string check_filter(const ticket_fields& filter, ticket_type type);

/// A whole call as `build_request` sends it.
std::string check_call(const call& c);

} // namespace usms::soap
