#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace usms::http {

struct url {
  std::string scheme; ///< `http` or `https`
  std::string host;
  uint16_t port = 0;  ///< explicit or the scheme's default
  std::string target; ///< path plus query, at least `/`
};

/// Parses an absolute http(s) URL; nullopt when it is not one.
std::optional<url> parse_url(std::string_view text);

/// Splits `path?query` into the path and decoded key/value pairs.
std::string_view target_path(std::string_view target);
std::vector<std::pair<std::string, std::string>>
parse_query(std::string_view target);

/// Where decoded text came from: `+` means a space only in a query string
/// (form encoding); in a path segment it is a plus sign.
enum class url_part { path, query };

/// Percent-decoding; nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view text,
                                          url_part part = url_part::path);
std::string percent_encode(std::string_view text);

} // namespace usms::http
