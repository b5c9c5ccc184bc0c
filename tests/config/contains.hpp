#pragma once

#include <string>

namespace usms::config::test {

/// Whether `text` holds `part`: messages are checked for what they say
/// (and for what they must never quote).
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace usms::config::test
