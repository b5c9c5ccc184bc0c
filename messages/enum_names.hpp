#pragma once

/// Enums written as text: the names of an enum's values in value order, and
/// the value a name stands for.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace usms {

/// The value of `Enum` whose name in `names` is `text`, or nullopt.
template <class Enum, std::size_t N>
std::optional<Enum> parse_enum_name(
  const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == text)
      return static_cast<Enum>(i);
  return std::nullopt;
}

} // namespace usms
