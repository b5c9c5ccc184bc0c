#include "persistence/pg_secrets.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace usms::pg {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/// `%XX` decoded where it is well formed; the rest as written.
std::string percent_decoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0
        && hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16
                               + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

/// The value after each `password=` in `text` (a URI query or a key=value
/// string), up to the next `&`, `#` or blank; quotes and spaces around
/// `=` as key=value strings allow them.
void password_parameters(std::string_view text, std::vector<std::string>& out) {
  constexpr std::string_view key = "password";
  for (auto at = text.find(key); at != std::string_view::npos;
       at = text.find(key, at + 1)) {
    auto pos = at + key.size();
    while (pos < text.size() && text[pos] == ' ')
      ++pos;
    if (pos >= text.size() || text[pos] != '=')
      continue;
    ++pos;
    while (pos < text.size() && text[pos] == ' ')
      ++pos;
    bool quoted = pos < text.size() && text[pos] == '\'';
    if (quoted)
      ++pos;
    auto end = text.find_first_of(quoted ? "'" : "&# ", pos);
    out.emplace_back(text.substr(pos, end == std::string_view::npos
                                          ? std::string_view::npos
                                          : end - pos));
  }
}

} // namespace

std::vector<std::string> url_secrets(const std::string& url) {
  std::vector<std::string> raw;
  auto scheme_end = url.find("://");
  if (scheme_end != std::string::npos) {
    auto start = scheme_end + 3;
    auto authority_end = url.find_first_of("/?#", start);
    auto authority = url.substr(start, authority_end == std::string::npos
                                           ? std::string::npos
                                           : authority_end - start);
    auto at = authority.rfind('@');
    auto colon
        = authority.substr(0, at == std::string::npos ? 0 : at).find(':');
    if (at != std::string::npos && colon != std::string::npos)
      raw.push_back(authority.substr(colon + 1, at - colon - 1));
  }
  password_parameters(url, raw);
  std::vector<std::string> out;
  for (const auto& r : raw) {
    out.push_back(r);
    out.push_back(percent_decoded(r));
  }
  // libpq's own reading, when it can read the string.
  char* err = nullptr;
  if (auto* options = PQconninfoParse(url.c_str(), &err)) {
    for (auto* o = options; o->keyword; ++o)
      if (std::string_view{o->keyword} == "password" && o->val)
        out.emplace_back(o->val);
    PQconninfoFree(options);
  }
  PQfreemem(err);
  out.erase(std::remove(out.begin(), out.end(), std::string{}), out.end());
  // Longest first, so that a shorter form inside a longer one does not
  // leave the longer one's rest behind.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string mask_secrets(std::string text,
                         const std::vector<std::string>& secrets) {
  constexpr std::string_view mask = "***";
  for (const auto& s : secrets)
    for (auto at = text.find(s); at != std::string::npos;
         at = text.find(s, at + mask.size()))
      text.replace(at, s.size(), mask);
  return text;
}

} // namespace usms::pg
