#pragma once

#include "contract/result.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace usms::config {

/// Parses a duration written as a whole number and one unit: `ms`, `s`,
/// `m`, `h` or `d` (`500ms`, `30s`, `5m`, `4h`, `7d`). A plain number is
/// refused, except `0`, because `30` could mean seconds or milliseconds and a
/// silent guess is worse than an error. No fractions, no signs, no spaces.
usms::result<std::chrono::milliseconds> parse_duration(std::string_view text);

/// The shortest exact text for a duration: the largest unit that divides it
/// (90000ms → `90s`, 300000ms → `5m`, 1500ms → `1500ms`, 0 → `0s`).
/// `parse_duration(format_duration(x)) == x` for every x >= 0.
std::string format_duration(std::chrono::milliseconds value);

/// Parses a byte size: a whole number of bytes (`1048576`, `512B`) or a
/// whole number with a binary (`KiB`, `MiB`, `GiB`, `TiB`) or decimal
/// (`KB`, `MB`, `GB`, `TB`) unit. Units are case-insensitive; one space may
/// separate number and unit.
usms::result<std::uint64_t> parse_size(std::string_view text);

/// The shortest exact text for a size: 1048576 → `1MiB`, 10000000 → `10MB`,
/// 1500 → `1500B` (binary units win a tie). Round-trips through parse_size.
std::string format_size(std::uint64_t bytes);

} // namespace usms::config
