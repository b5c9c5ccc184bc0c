#pragma once

/// Reading the gateway's rows from PostgreSQL results, for the stores that
/// share them.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "messages/ops_queries.hpp"
#include "messages/request.hpp"
#include "messages/status_row.hpp"
#include "persistence/filters.hpp"
#include "persistence/pg.hpp"

namespace usms::pg {

/// Texts and numbers as statement parameters, in order.
std::vector<value>
values_of(const std::vector<std::variant<std::string, int64_t>>& values);

/// The values of `w` in the order of its placeholders.
std::vector<value> values_of(const db::where_clause& w);

/// `SELECT request_columns FROM requests ` + `rest`.
std::string select_requests(const std::string& rest);

/// Every row of `r`, selected with db::request_columns.
std::vector<request_record> requests_of(const result& r);

/// Every row of `r`, selected with db::index_columns.
std::vector<index_row> index_rows_of(const result& r);

/// Every row of `r`, selected with db::status_columns.
std::vector<status_row> status_rows_of(const result& r);

/// The request `id` on `c`, or nullopt.
std::optional<request_record> find_request(connection& c,
                                           const std::string& id);

} // namespace usms::pg
