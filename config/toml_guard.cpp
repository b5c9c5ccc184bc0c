#include "config/toml_guard.hpp"

#include <cstdio>

namespace usms::config {

namespace {

enum class lexeme { code, comment, basic, literal, multi_basic, multi_literal };

/// A run of `quote` at `i`: its length (at most 5, as a closing delimiter of
/// a multi-line string may carry two quotes of content before it).
std::size_t run_of(std::string_view text, std::size_t i, char quote) {
  std::size_t n = 0;
  while (i + n < text.size() && text[i + n] == quote && n < 5)
    ++n;
  return n;
}

/// What TOML never allows raw (CR only as part of CRLF, left to toml++).
bool is_control(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F;
}

std::string control_character(unsigned char c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "control character 0x%02X is not allowed", c);
  return buf;
}

} // namespace

std::optional<toml_text_problem> check_toml_text(std::string_view text) {
  std::size_t line = 1;
  auto state = lexeme::code;
  // toml++ skips a UTF-8 byte order mark at the start.
  std::size_t i = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  for (; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      if (state == lexeme::comment || state == lexeme::basic
          || state == lexeme::literal)
        state = lexeme::code; // single-line strings end here (unclosed)
      continue;
    }
    if (is_control(c))
      return toml_text_problem{line, control_character(c)};
    switch (state) {
    case lexeme::code:
      if (c >= 0x80)
        return toml_text_problem{line, "a non-ASCII character outside a "
                                       "string or comment"};
      if (c == '#') {
        state = lexeme::comment;
      } else if (c == '"' || c == '\'') {
        bool multi = run_of(text, i, static_cast<char>(c)) >= 3;
        state = c == '"' ? (multi ? lexeme::multi_basic : lexeme::basic)
                         : (multi ? lexeme::multi_literal : lexeme::literal);
        if (multi)
          i += 2;
      }
      break;
    case lexeme::comment:
      break;
    case lexeme::basic:
    case lexeme::multi_basic:
      if (c == '\\') {
        // The escaped character is content (a quote does not end the
        // string); a line end or control character is looked at as such.
        if (i + 1 < text.size() && text[i + 1] != '\n'
            && !is_control(static_cast<unsigned char>(text[i + 1])))
          ++i;
      } else if (c == '"') {
        auto n = run_of(text, i, '"');
        if (state == lexeme::basic) {
          state = lexeme::code;
        } else if (n >= 3) {
          state = lexeme::code;
          i += n - 1;
        }
      }
      break;
    case lexeme::literal:
      if (c == '\'')
        state = lexeme::code;
      break;
    case lexeme::multi_literal:
      if (auto n = run_of(text, i, '\''); n >= 3) {
        state = lexeme::code;
        i += n - 1;
      }
      break;
    }
  }
  return std::nullopt;
}

} // namespace usms::config
