#pragma once

/// The CSV form of status rows (docs/offload.md): one header line per file,
/// the status API's row fields in order, RFC 4180 quoting with CRLF line
/// ends, times in ISO 8601 with offset, and the optional formula guard.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "messages/status_row.hpp"
#include "offload/file_naming.hpp"

namespace usms::offload {

/// "row_id,request_id,...,attempts,cause,alarm_key\r\n"
std::string csv_header();

/// True for a value a spreadsheet would run as a formula: it starts with
/// `=`, `+`, `-`, `@`, tab or CR.
bool formula_like(std::string_view value);

/// Appends one field: with the guard on, a formula-like value gets a
/// leading `'`; a value holding a comma, quote, CR or LF is quoted with
/// inner quotes doubled.
void append_field(std::string& out, std::string_view value, bool guard);

/// Appends one row, CRLF terminated; times in `zone`.
void append_row(std::string& out, const status_row& row, zone_ptr zone,
                bool guard);

/// True when `file` (a whole offload file, or its beginning) starts with
/// today's header line.
bool has_current_header(std::string_view file);

/// An offload file written with an older header (a first part of today's
/// columns) as it reads with today's: the new header, and every row with
/// an empty field for each column it lacks. Nullopt when `file` does not
/// start with such a header (a header this build does not know).
std::optional<std::string> upgrade_csv(std::string_view file);

} // namespace usms::offload
