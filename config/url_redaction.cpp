#include "config/url_redaction.hpp"

namespace usms::config {

namespace {

constexpr std::string_view mask = "***";

} // namespace

std::string redact_url_password(std::string_view url) {
  // Also covers `user:pw@proxy:3128` without a scheme, as http_proxy may hold.
  auto scheme_end = url.find("://");
  auto start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  auto authority_end = url.find_first_of("/?#", start);
  auto authority = url.substr(start, authority_end == std::string_view::npos
                                         ? std::string_view::npos
                                         : authority_end - start);
  auto at = authority.rfind('@');
  if (at == std::string_view::npos)
    return std::string{url};
  auto colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos)
    return std::string{url}; // a user name alone is no secret
  std::string out{url.substr(0, start + colon + 1)};
  out += mask;
  out += url.substr(start + at);
  return out;
}

bool is_redacted_echo(std::string_view shown, std::string_view actual) {
  return shown != actual && shown.find(mask) != std::string_view::npos
         && shown == redact_url_password(actual);
}

std::string quoted_redacted(std::string_view text) {
  return "'" + redact_url_password(text) + "'";
}

} // namespace usms::config
