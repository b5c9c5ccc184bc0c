#include "config/settings.hpp"

#include <algorithm>

namespace usms::config {

std::string_view to_string(token_scope x) {
  switch (x) {
  case token_scope::read:
    return "read";
  case token_scope::submit:
    return "submit";
  case token_scope::admin:
    return "admin";
  }
  return "read";
}

std::optional<token_scope> parse_token_scope(std::string_view text) {
  if (text == "read")
    return token_scope::read;
  if (text == "submit")
    return token_scope::submit;
  if (text == "admin")
    return token_scope::admin;
  return std::nullopt;
}

int priority_of(const alertmanager_settings& s, std::string_view severity) {
  auto i = std::find_if(
      s.priority.begin(), s.priority.end(),
      [&](const auto& entry) { return entry.first == severity; });
  return i != s.priority.end() ? i->second : s.default_priority;
}

} // namespace usms::config
