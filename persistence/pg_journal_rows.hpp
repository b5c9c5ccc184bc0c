#pragma once

/// The PostgreSQL journal's rows and statements: the columns of a new
/// request and of a status row and their values, and the statements that
/// send a new request to its serial key's owner and fence a write.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/request.hpp"
#include "messages/status_row.hpp"
#include "persistence/pg.hpp"
#include "persistence/pg_batch.hpp"

namespace usms::pg {

/// A new request's columns, in request_values order.
extern const std::vector<row_batch::column> request_row;

/// Where request_row keeps the serial key.
constexpr size_t serial_key_column = 13;

/// NULL for an empty text (columns where NULL means none).
value text_or_null(const std::string& text);

/// A new request's values: journaled as `seq`, state queued, or with
/// `sending` in flight with its sending mark (journal_store::append_sending).
std::vector<value> request_values(int64_t seq, const ticket_request& req,
                                  bool sending);

/// A status row's columns, in status_values order.
extern const std::vector<row_batch::column> status_row_columns;
std::vector<value> status_values(const status_row& row);

/// `{1,2,3}`, PostgreSQL's text form of a bigint array, appended to `out`.
void append_array(const std::string& text, std::vector<int64_t>& out);

/// The unfinished states, for statements on `requests` aliased `r`.
extern const char* const unfinished_r;

/// Locks the serial keys in `$1` (a text array) until the group commits:
/// two instances journaling requests of one key at once take turns, so
/// the second sees the first's request and sends its own to the same
/// owner. In hash order, so that two groups never wait for each other in
/// a circle within one statement.
extern const char* const lock_keys;

/// Inserts the rows of `source` (aliased `u`, with request_row's columns)
/// and answers their seq. A row whose serial key has unfinished requests
/// goes to the owner of the oldest of them (whoever that is: a key's
/// requests stay together, and run in order on one instance); another
/// goes to this instance, `$me` / `$me + 1`. A row for another instance is
/// recorded in `handovers` for it to take. (The lookup names
/// `r.serial_key <> ''` itself so that a generic plan of the prepared
/// statement can use the partial index of unfinished keys.)
std::string routed_insert(const std::string& source, const std::string& names,
                          int me, const std::string& on_conflict);

/// `AND` the request is this instance's under token `$n`: its row and
/// the instance still hold the token (a claim that took the request or
/// removed the instance changed one of them).
std::string owned_by(int n);

} // namespace usms::pg
