#include "config/units.hpp"

#include "common/ascii.hpp"

#include <array>
#include <cctype>
#include <limits>
#include <utility>

namespace usms::config {

namespace {

struct unit {
  std::string_view suffix;
  std::uint64_t factor;
};

// Largest first, so format_* finds the largest exact unit first.
constexpr std::array<unit, 5> duration_units{{
    {"d", 86'400'000},
    {"h", 3'600'000},
    {"m", 60'000},
    {"s", 1'000},
    {"ms", 1},
}};

constexpr std::array<unit, 4> binary_units{{
    {"TiB", 1ull << 40},
    {"GiB", 1ull << 30},
    {"MiB", 1ull << 20},
    {"KiB", 1ull << 10},
}};

constexpr std::array<unit, 4> decimal_units{{
    {"TB", 1'000'000'000'000ull},
    {"GB", 1'000'000'000ull},
    {"MB", 1'000'000ull},
    {"KB", 1'000ull},
}};

// Splits "123unit" into its digits and the rest; false without digits or
// when the number does not fit.
bool split_number(std::string_view text, std::uint64_t& number,
                  std::string_view& rest) {
  std::size_t i = 0;
  number = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    auto digit = static_cast<std::uint64_t>(text[i] - '0');
    if (number > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
      return false;
    number = number * 10 + digit;
    ++i;
  }
  rest = text.substr(i);
  return i > 0;
}

std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

} // namespace

usms::result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto bad = [&] {
    return usms::failure{quoted(text)
                             + " is not a duration (write e.g. 500ms, 30s, 5m, "
                               "4h or 7d)",
                         "malformed"};
  };
  std::uint64_t number = 0;
  std::string_view suffix;
  if (!split_number(text, number, suffix))
    return bad();
  if (suffix.empty()) {
    if (number == 0)
      return std::chrono::milliseconds{0};
    return usms::failure{quoted(text) + " needs a unit (e.g. "
                             + std::string{text} + "s or " + std::string{text}
                             + "ms)",
                         "malformed"};
  }
  for (const auto& u : duration_units) {
    if (suffix != u.suffix)
      continue;
    constexpr auto max_ms = static_cast<std::uint64_t>(
        std::numeric_limits<std::chrono::milliseconds::rep>::max());
    if (number > max_ms / u.factor)
      return usms::failure{quoted(text) + " is too long", "malformed"};
    return std::chrono::milliseconds{
        static_cast<std::chrono::milliseconds::rep>(number * u.factor)};
  }
  return bad();
}

std::string format_duration(std::chrono::milliseconds value) {
  auto count = value.count();
  if (count == 0)
    return "0s";
  std::string sign = count < 0 ? "-" : "";
  // Work in unsigned so the most negative value does not overflow.
  auto magnitude = count < 0 ? 0ull - static_cast<std::uint64_t>(count)
                             : static_cast<std::uint64_t>(count);
  for (const auto& u : duration_units)
    if (magnitude % u.factor == 0)
      return sign + std::to_string(magnitude / u.factor)
             + std::string{u.suffix};
  return sign + std::to_string(magnitude) + "ms"; // unreachable: ms divides all
}

usms::result<std::uint64_t> parse_size(std::string_view text) {
  auto bad = [&] {
    return usms::failure{quoted(text)
                             + " is not a size (write e.g. 1048576, 512KiB, "
                               "1MiB or 10MB)",
                         "malformed"};
  };
  std::uint64_t number = 0;
  std::string_view suffix;
  if (!split_number(text, number, suffix))
    return bad();
  if (!suffix.empty() && suffix.front() == ' ')
    suffix.remove_prefix(1);
  if (suffix.empty() || usms::iequals(suffix, "B"))
    return number;
  auto scaled = [&](std::uint64_t factor) -> usms::result<std::uint64_t> {
    if (number > std::numeric_limits<std::uint64_t>::max() / factor)
      return usms::failure{quoted(text) + " is too large", "malformed"};
    return number * factor;
  };
  for (const auto& u : binary_units)
    if (usms::iequals(suffix, u.suffix))
      return scaled(u.factor);
  for (const auto& u : decimal_units)
    if (usms::iequals(suffix, u.suffix))
      return scaled(u.factor);
  return bad();
}

std::string format_size(std::uint64_t bytes) {
  auto best = std::to_string(bytes) + "B";
  if (bytes == 0)
    return best;
  auto exact = [bytes](const auto& units) -> std::string {
    for (const auto& u : units)
      if (bytes % u.factor == 0)
        return std::to_string(bytes / u.factor) + std::string{u.suffix};
    return {};
  };
  auto binary = exact(binary_units);
  auto decimal = exact(decimal_units);
  if (!decimal.empty() && decimal.size() < best.size())
    best = std::move(decimal);
  // `<=` so binary units win a tie against decimal ones.
  if (!binary.empty() && binary.size() <= best.size())
    best = std::move(binary);
  return best;
}

} // namespace usms::config
