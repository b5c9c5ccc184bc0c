#pragma once

/// ASCII helpers for protocol text (header names, keywords, units, blank
/// values): no locale, no allocation.

#include <string>
#include <string_view>

namespace usms {

/// True when `a` and `b` are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

/// `text` with ASCII letters in lower case.
std::string to_lower_ascii(std::string_view text);

/// True when `text` holds nothing but spaces, tabs, CR and LF (XML's white
/// space), or nothing at all: a value that says nothing, such as a summary.
bool is_blank(std::string_view text);

} // namespace usms
