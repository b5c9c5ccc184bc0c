#pragma once

/// ASCII helpers for protocol text (header names, keywords, units): no
/// locale, no allocation.

#include <string>
#include <string_view>

namespace usms {

/// True when `a` and `b` are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

/// `text` with ASCII letters in lower case.
std::string to_lower_ascii(std::string_view text);

} // namespace usms
