#include "transport/url.hpp"

#include <cstddef>

namespace usms::http {

namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (lower(text[i]) != prefix[i])
      return false;
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Characters allowed in a registered host name or IPv4 address (RFC 3986
// reg-name without percent-escapes, which no resolver accepts anyway).
bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)
         || c == '-' || c == '.' || c == '_';
}

bool is_ipv6_char(char c) {
  return hex_value(c) >= 0 || c == ':' || c == '.';
}

std::optional<uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5)
    return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (!is_digit(c))
      return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535)
    return std::nullopt;
  return static_cast<uint16_t>(value);
}

} // namespace

std::optional<url> parse_url(std::string_view text) {
  url result;
  if (istarts_with(text, "http://")) {
    result.scheme = "http";
    result.port = 80;
    text.remove_prefix(7);
  } else if (istarts_with(text, "https://")) {
    result.scheme = "https";
    result.port = 443;
    text.remove_prefix(8);
  } else {
    return std::nullopt;
  }
  // The fragment never goes on the wire.
  if (auto hash = text.find('#'); hash != std::string_view::npos)
    text = text.substr(0, hash);
  auto authority_end = text.find_first_of("/?");
  auto authority = text.substr(0, authority_end);
  auto rest = authority_end == std::string_view::npos
                ? std::string_view{}
                : text.substr(authority_end);
  // Credentials in URLs are not supported: they would end up in logs.
  if (authority.find('@') != std::string_view::npos)
    return std::nullopt;
  std::string_view host;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    host = authority.substr(1, close - 1);
    if (host.empty())
      return std::nullopt;
    for (char c : host)
      if (!is_ipv6_char(c))
        return std::nullopt;
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return std::nullopt;
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    if (host.empty())
      return std::nullopt;
    for (char c : host)
      if (!is_host_char(c))
        return std::nullopt;
  }
  // "host:" with an empty port means the default port (RFC 3986 3.2.3).
  if (has_port && !port_text.empty()) {
    auto port = parse_port(port_text);
    if (!port)
      return std::nullopt;
    result.port = *port;
  }
  for (char c : rest)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return std::nullopt;
  result.host.assign(host.data(), host.size());
  for (auto& c : result.host)
    c = lower(c);
  if (rest.empty())
    result.target = "/";
  else if (rest.front() == '?')
    result.target = "/" + std::string(rest);
  else
    result.target.assign(rest.data(), rest.size());
  return result;
}

std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

std::vector<std::pair<std::string, std::string>>
parse_query(std::string_view target) {
  std::vector<std::pair<std::string, std::string>> result;
  auto question = target.find('?');
  if (question == std::string_view::npos)
    return result;
  auto query = target.substr(question + 1);
  query = query.substr(0, query.find('#'));
  // A bad escape keeps the raw text: a lenient reader, the caller validates.
  auto decode = [](std::string_view raw) {
    if (auto decoded = percent_decode(raw, url_part::query))
      return std::move(*decoded);
    return std::string(raw);
  };
  while (!query.empty()) {
    auto amp = query.find('&');
    auto item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{}
                                          : query.substr(amp + 1);
    if (item.empty())
      continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos)
      result.emplace_back(decode(item), std::string{});
    else
      result.emplace_back(decode(item.substr(0, eq)),
                          decode(item.substr(eq + 1)));
  }
  return result;
}

std::optional<std::string> percent_decode(std::string_view text,
                                          url_part part) {
  std::string result;
  result.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && part == url_part::query) {
      result.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size())
        return std::nullopt;
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      result.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      result.push_back(c);
    }
  }
  return result;
}

std::string percent_encode(std::string_view text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string result;
  result.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                      || is_digit(c) || c == '-' || c == '.' || c == '_'
                      || c == '~';
    if (unreserved) {
      result.push_back(c);
    } else {
      result.push_back('%');
      result.push_back(digits[u >> 4]);
      result.push_back(digits[u & 0x0f]);
    }
  }
  return result;
}

} // namespace usms::http
