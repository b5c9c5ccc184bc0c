#pragma once

/// A check of a config file's bytes before toml++ reads them. TOML never
/// allows control characters other than tab, CR and LF, nor non-ASCII
/// characters outside strings and comments; toml++ 3.3 (Debian 12) reaches
/// undefined behaviour on some of those (its whitespace lookup hits
/// `__builtin_unreachable` for code points from U+00A1), so they are refused
/// here first. A file this check passes reaches toml++ unchanged.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace usms::config {

/// Why a file was refused and on which line (1-based).
struct toml_text_problem {
  std::size_t line = 0;
  std::string description;
};

/// Empty when `text` holds nothing TOML refuses outright (see above).
std::optional<toml_text_problem> check_toml_text(std::string_view text);

} // namespace usms::config
