// The text form of values, as environment variables and flags write them
// and as messages show them: parse_text and format_text of keys.hpp.

#include "config/keys.hpp"

#include "common/ascii.hpp"
#include "config/units.hpp"
#include "config/url_redaction.hpp"
#include "config/value_checks.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace usms::config {

namespace {

using std::chrono::milliseconds;

usms::result<value> parse_integer(std::string_view text) {
  std::int64_t x = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    return usms::failure{quoted_redacted(text) + " is not an integer",
                         "malformed"};
  return value{x};
}

usms::result<value> parse_number(std::string_view text) {
  double x = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()
      || !std::isfinite(x))
    return usms::failure{quoted_redacted(text) + " is not a number",
                         "malformed"};
  return value{x};
}

usms::result<value> parse_boolean(std::string_view text) {
  for (auto yes : {"true", "1", "yes", "on"})
    if (usms::iequals(text, yes))
      return value{true};
  for (auto no : {"false", "0", "no", "off"})
    if (usms::iequals(text, no))
      return value{false};
  return usms::failure{quoted_redacted(text) + " is not true or false",
                       "malformed"};
}

usms::result<value> parse_tokens(std::string_view text) {
  std::vector<auth_token> out;
  auto trim = [](std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
      s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
      s.remove_suffix(1);
    return s;
  };
  if (trim(text).empty())
    return value{out};
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto comma = text.find(',', pos);
    auto item = trim(text.substr(pos, comma == std::string_view::npos
                                          ? std::string_view::npos
                                          : comma - pos));
    auto n = std::to_string(out.size() + 1);
    auto colon = item.rfind(':');
    if (colon == std::string_view::npos)
      return usms::failure{
          "token #" + n
              + " has no scope (write TOKEN:read, TOKEN:submit "
                "or TOKEN:admin, separated by commas)",
          "malformed"};
    auto scope = parse_token_scope(trim(item.substr(colon + 1)));
    if (!scope)
      return usms::failure{
          "token #" + n + " has a scope that is not read, submit or admin",
          "malformed"};
    out.push_back(auth_token{std::string{trim(item.substr(0, colon))}, *scope});
    if (comma == std::string_view::npos)
      break;
    pos = comma + 1;
  }
  return value{std::move(out)};
}

usms::result<value> parse_raw(const key_info& key, std::string_view text) {
  switch (key.kind) {
  case value_kind::string:
  case value_kind::secret:
    return value{std::string{text}};
  case value_kind::integer:
    return parse_integer(text);
  case value_kind::number:
    return parse_number(text);
  case value_kind::boolean:
    return parse_boolean(text);
  case value_kind::duration: {
    auto d = parse_duration(text);
    if (!d)
      return d.error();
    return value{*d};
  }
  case value_kind::size: {
    auto s = parse_size(text);
    if (!s)
      return s.error();
    if (*s
        > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return usms::failure{quoted_redacted(text) + " is too large",
                           "malformed"};
    return value{static_cast<std::int64_t>(*s)};
  }
  case value_kind::optional_duration: {
    if (usms::iequals(text, "disabled"))
      return value{std::optional<milliseconds>{}};
    auto d = parse_duration(text);
    if (!d)
      return usms::failure{d.error().message + " or 'disabled'", "malformed"};
    return value{std::optional<milliseconds>{*d}};
  }
  case value_kind::tokens:
    return parse_tokens(text);
  }
  return usms::failure{"unknown kind", "malformed"};
}

} // namespace

usms::result<value> parse_text(const key_info& key, std::string_view text) {
  auto raw = parse_raw(key, text);
  if (!raw)
    return usms::failure{raw.error().message, key.dotted()};
  return check_value(key, std::move(*raw));
}

std::string format_text(const key_info& key, const value& v) {
  if (!kind_matches(key.kind, v))
    return "?";
  switch (key.kind) {
  case value_kind::string:
    return redact_url_password(std::get<std::string>(v));
  case value_kind::secret:
    return std::get<std::string>(v).empty() ? "(not set)" : "(set)";
  case value_kind::integer:
    return std::to_string(std::get<std::int64_t>(v));
  case value_kind::number: {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, std::get<double>(v));
    return ec == std::errc{} ? std::string(buf, end) : "?";
  }
  case value_kind::boolean:
    return std::get<bool>(v) ? "true" : "false";
  case value_kind::duration:
    return format_duration(std::get<milliseconds>(v));
  case value_kind::size:
    return format_size(static_cast<std::uint64_t>(
        std::max<std::int64_t>(std::get<std::int64_t>(v), 0)));
  case value_kind::optional_duration: {
    const auto& d = std::get<std::optional<milliseconds>>(v);
    return d ? format_duration(*d) : "disabled";
  }
  case value_kind::tokens:
    return std::to_string(std::get<std::vector<auth_token>>(v).size())
           + " token(s)";
  }
  return "?";
}

} // namespace usms::config
