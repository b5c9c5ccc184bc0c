#include "transport/http_types.hpp"

namespace usms::http {

namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

} // namespace

std::string_view find_header(const header_list& headers,
                             std::string_view name) {
  for (const auto& h : headers)
    if (iequals(h.name, name))
      return h.value;
  return {};
}

} // namespace usms::http
