#pragma once

/// xsd:dateTime values as the simulator writes and compares them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace usms::sim {

/// Milliseconds since the Unix epoch, now.
int64_t now_ms();

/// `2025-03-01T12:00:00.123Z` (UTC, milliseconds).
std::string format_xsd_datetime(int64_t epoch_ms);

/// Parses `YYYY-MM-DDThh:mm:ss[.fff][Z|(+|-)hh:mm]` (no zone: UTC) to
/// milliseconds since the epoch; nullopt when it is not one.
std::optional<int64_t> parse_xsd_datetime(std::string_view text);

} // namespace usms::sim
