#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace usms::http {

struct header_field {
  std::string name;
  std::string value;
};

using header_list = std::vector<header_field>;

/// Case-insensitive header lookup; empty when absent.
std::string_view find_header(const header_list& headers, std::string_view name);

} // namespace usms::http
