#include "config/url_redaction.hpp"

namespace usms::config {

namespace {

constexpr std::string_view mask = "***";

// `user:***@host`: the userinfo password.
std::string redact_userinfo(std::string_view url) {
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

// `?password=***`: libpq URIs may carry the password as a parameter. Only
// in the query of a `scheme://` URL, so other text keeps its words.
std::string redact_password_parameter(std::string url) {
  constexpr std::string_view name = "password=";
  if (url.find("://") == std::string::npos)
    return url;
  auto query = url.find('?');
  if (query == std::string::npos)
    return url;
  auto pos = query + 1;
  while (pos < url.size() && url[pos] != '#') {
    auto end = url.find_first_of("&#", pos);
    if (end == std::string::npos)
      end = url.size();
    if (url.compare(pos, name.size(), name) == 0 && end > pos + name.size()) {
      url.replace(pos + name.size(), end - pos - name.size(), mask);
      end = pos + name.size() + mask.size();
    }
    if (end >= url.size() || url[end] == '#')
      break;
    pos = end + 1;
  }
  return url;
}

} // namespace

std::string redact_url_password(std::string_view url) {
  return redact_password_parameter(redact_userinfo(url));
}

bool is_redacted_echo(std::string_view shown, std::string_view actual) {
  return shown != actual && shown.find(mask) != std::string_view::npos
         && shown == redact_url_password(actual);
}

std::string quoted_redacted(std::string_view text) {
  return "'" + redact_url_password(text) + "'";
}

} // namespace usms::config
