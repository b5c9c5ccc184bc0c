#pragma once

/// JSON ↔ ticket requests for the HTTP API (SPEC section 4): validation of
/// create, update and query requests with errors that name the field, and
/// the public JSON view of a request. CAF-free.

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "api/api_error.hpp"
#include "messages/request.hpp"

namespace usms::api {

/// What validation needs to know about the deployment.
struct intake_rules {
  int api_version = 2;
  int query_limit = 100;
};

using parsed_request = std::variant<ticket_request, api_error>;
using query_params = std::vector<std::pair<std::string, std::string>>;

/// `POST /api/v1/tickets/{type}`.
parsed_request parse_create(std::string_view type, std::string_view body,
                            const intake_rules& rules);

/// `PATCH /api/v1/tickets/{type}/{id}`.
parsed_request parse_update(std::string_view type, std::string_view ticket_id,
                            std::string_view body, const intake_rules& rules);

/// `GET /api/v1/tickets/{type}?status=…&limit=…` (`wait` is ignored here).
parsed_request parse_query(std::string_view type, const query_params& params,
                           const intake_rules& rules);

/// The `wait` parameter in seconds (0 when absent), capped at 300 s; an
/// error when it is not a non-negative number.
std::variant<double, api_error> parse_wait(const query_params& params);

/// The public view of a request: `{"request_id", "state", ...}`.
std::string to_json(const request_record& rec);

/// The view of a request just accepted (no database read needed).
std::string accepted_json(const ticket_request& req);

/// Ticket fields with JSON (snake_case) names, typed where the schema is.
void write_ticket(class json_writer& w, const ticket_fields& fields);

/// ISO 8601 UTC with milliseconds (`2026-11-27T06:18:36.123Z`); "" for 0.
std::string iso_time(int64_t unix_ms);

} // namespace usms::api
