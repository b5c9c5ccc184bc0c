#include "transport/http_types.hpp"

#include "common/ascii.hpp"

namespace usms::http {

std::string_view find_header(const header_list& headers,
                             std::string_view name) {
  for (const auto& h : headers)
    if (usms::iequals(h.name, name))
      return h.value;
  return {};
}

} // namespace usms::http
