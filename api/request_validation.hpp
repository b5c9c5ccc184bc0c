#pragma once

/// The HTTP API's input: create, update and query requests read from JSON
/// (and query parameters) into a `ticket_request`, checked against the
/// contract's field rules, with errors that name the field. CAF-free.

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "api/api_error.hpp"
#include "contract/contract.hpp"
#include "messages/request.hpp"

namespace usms::api {

/// What validation needs to know about the deployment.
struct intake_rules {
  /// What the USMS contract offers: its actions and ticket types, the
  /// fields each operation carries. Null: the built-in contract of USMS
  /// API v2. It must outlive the call.
  const soap::contract* contract = nullptr;
  int query_limit = 100;

  const soap::contract& usms() const;
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

} // namespace usms::api
