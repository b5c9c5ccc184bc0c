#pragma once

/// ISO 8601 / xsd:dateTime times as the project reads and writes them: the
/// one parser for API parameters, SOAP dateTime values and bench reports.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace usms {

/// Parses `YYYY-MM-DD`, optionally followed by `T` (or `t` or a space) and
/// `hh:mm[:ss[.fff…]]`, optionally followed by `Z` or `±hh[:]mm` (a space
/// stands for `+`, as a query string decodes it), into milliseconds since
/// the Unix epoch. No offset means UTC. Digits past the
/// millisecond are read and dropped. nullopt when the text is not such a
/// time (also for a month over 12, a day over 31, an hour over 23).
std::optional<int64_t> parse_iso8601_ms(std::string_view text);

/// `2026-03-01T12:00:00.123Z`: UTC with milliseconds.
std::string format_iso8601_utc_ms(int64_t epoch_ms);

/// `2026-03-01T12:00:00Z`: UTC, whole seconds (rounded down).
std::string format_iso8601_utc(int64_t epoch_ms);

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm), and back.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t days, int64_t& y, unsigned& m, unsigned& d);

} // namespace usms
