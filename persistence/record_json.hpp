#pragma once

/// JSON encodings of request parts as the journal stores them (SOAP field
/// names as keys). Internal storage format, not the public API's.

#include <string>
#include <string_view>

#include "messages/request.hpp"

namespace usms::db {

/// Fields, filter, work note, target ticket and limit of a request.
std::string encode_payload(const ticket_request& req);
/// Fills those members of `req`; false when `json` is not a payload.
bool decode_payload(std::string_view json, ticket_request& req);

/// Ticket id, tickets and total count of an outcome.
std::string encode_result(const request_outcome& out);
bool decode_result(std::string_view json, request_outcome& out);

} // namespace usms::db
