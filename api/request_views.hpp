#pragma once

/// The HTTP API's output: the public JSON view of a request and of the
/// tickets it carries, with JSON (snake_case) field names. CAF-free.

#include <cstdint>
#include <string>

#include "messages/request.hpp"

namespace usms::api {

class json_writer;

/// The public view of a request: `{"request_id", "state", "held", ...}`.
/// `usms_available`: whether USMS may be called now; an unfinished request
/// that is not in flight is `held` while it may not.
std::string to_json(const request_record& rec, bool usms_available = true);

/// The view of a request just accepted (no database read needed).
std::string accepted_json(const ticket_request& req,
                          bool usms_available = true);

/// Ticket fields with JSON (snake_case) names, typed where the schema is.
void write_ticket(json_writer& w, const ticket_fields& fields);

/// ISO 8601 UTC with milliseconds (`2026-11-27T06:18:36.123Z`); "" for 0
/// (a time not yet reached, such as no finish).
std::string iso_time(int64_t unix_ms);

} // namespace usms::api
