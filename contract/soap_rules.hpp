#pragma once

/// The contract's rules on a call's content, shared by the writer (the
/// gateway checks before sending) and the reader (the simulator answers a
/// Client fault): which fields an operation and ticket type carry, which
/// are read-only, what values are valid. Values are the model's (already
/// mapped from the wire's spellings). Each returns an empty string when the
/// content is valid, else one sentence naming the field.

#include <string>

#include "contract/contract.hpp"
#include "contract/soap_codec.hpp"

namespace usms::soap {

/// The fields of a create (`create` true: Summary required) or an update
/// on `op` for tickets of `type`.
std::string check_fields(const operation& op, ticket_type type,
                         const ticket_fields& fields, bool create);

/// A query's filter on `op`.
std::string check_filter(const operation& op, ticket_type type,
                         const ticket_fields& filter);

/// A whole call as `build_request` sends it on `op`.
std::string check_call(const operation& op, const call& c);

} // namespace usms::soap
