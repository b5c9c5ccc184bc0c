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
#include <optional>

namespace usms::config {

namespace {

using std::chrono::milliseconds;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

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

// One entry of `critical=1, major=2`, added to `out`.
std::optional<usms::failure> add_priority_item(priority_table& out,
                                               std::string_view item) {
  auto eq = item.find('=');
  if (eq == std::string_view::npos)
    return usms::failure{quoted_redacted(item)
                             + " has no '=' (write severity=priority pairs "
                               "separated by commas, e.g. critical=1,major=2)",
                         "malformed"};
  auto severity = std::string{trim(item.substr(0, eq))};
  auto number = parse_integer(trim(item.substr(eq + 1)));
  if (!number)
    return usms::failure{"severity " + quoted_redacted(severity) + ": "
                             + number.error().message,
                         "malformed"};
  auto priority = std::get<std::int64_t>(*number);
  if (auto problem = check_priority(severity, priority); !problem.empty())
    return usms::failure{std::move(problem), "malformed"};
  if (!add_priority(out, severity, static_cast<int>(priority)))
    return usms::failure{"severity " + quoted_redacted(severity)
                             + " appears twice",
                         "malformed"};
  return std::nullopt;
}

// `critical=1, major=2`: severity=priority pairs separated by commas; empty
// items (`critical=1,`) are no entries.
usms::result<value> parse_priorities(std::string_view text) {
  priority_table out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto comma = std::min(text.find(',', pos), text.size());
    if (auto item = trim(text.substr(pos, comma - pos)); !item.empty())
      if (auto problem = add_priority_item(out, item))
        return *problem;
    pos = comma + 1;
  }
  return value{std::move(out)};
}

usms::result<value> parse_raw(const key_info& key, std::string_view text) {
  switch (key.kind) {
  case value_kind::string:
  case value_kind::template_text:
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
    if (usms::iequals(text, key.none_word))
      return value{std::optional<milliseconds>{}};
    auto d = parse_duration(text);
    if (!d)
      return usms::failure{d.error().message + " or '"
                               + std::string{key.none_word} + "'",
                           "malformed"};
    return value{std::optional<milliseconds>{*d}};
  }
  case value_kind::tokens:
    return parse_tokens(text);
  case value_kind::priority_table:
    return parse_priorities(text);
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
  case value_kind::template_text:
    // Free text: a ':' and an '@' in it are no credentials.
    return std::get<std::string>(v);
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
    return d ? format_duration(*d) : std::string{key.none_word};
  }
  case value_kind::tokens:
    return std::to_string(std::get<std::vector<auth_token>>(v).size())
           + " token(s)";
  case value_kind::priority_table: {
    std::string out;
    for (const auto& [severity, priority] : std::get<priority_table>(v))
      out += (out.empty() ? "" : ",") + severity + "="
             + std::to_string(priority);
    return out;
  }
  }
  return "?";
}

} // namespace usms::config
