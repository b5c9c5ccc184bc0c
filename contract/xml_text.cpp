#include "contract/xml_text.hpp"

#include <cstdint>
#include <cstdio>

#include "contract/soap_codec.hpp"

namespace usms::soap {

namespace {

std::string code_point_name(uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

} // namespace

std::size_t next_xml_char(std::string_view text, std::size_t pos,
                          uint32_t& cp) {
  auto n = text.size();
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char c = b(pos);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  std::size_t len;
  uint32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (pos + len > n)
    return 0;
  for (std::size_t i = 1; i < len; ++i) {
    auto cc = b(pos + i);
    if ((cc & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Overlong forms and code points past U+10FFFF are not UTF-8.
  if (cp < min || cp > 0x10FFFF)
    return 0;
  return len;
}

bool is_xml_char(uint32_t cp) {
  if (cp < 0x20)
    return cp == 0x09 || cp == 0x0A || cp == 0x0D;
  if (cp < 0xD800)
    return true;
  if (cp < 0xE000)
    return false; // surrogates
  if (cp < 0x10000)
    return cp != 0xFFFE && cp != 0xFFFF;
  return cp <= 0x10FFFF;
}

std::string check_xml_text(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    auto c = static_cast<unsigned char>(text[pos]);
    // Fast path: printable ASCII and the three allowed control characters.
    if (c >= 0x20 && c < 0x80) {
      ++pos;
      continue;
    }
    uint32_t cp = 0;
    auto len = next_xml_char(text, pos, cp);
    if (len == 0)
      return "invalid UTF-8 at byte " + std::to_string(pos);
    if (!is_xml_char(cp)) {
      std::string what = cp < 0x20                      ? "control character "
                         : (cp >= 0xD800 && cp < 0xE000) ? "surrogate "
                                                         : "non-character ";
      return what + code_point_name(cp) + " at byte " + std::to_string(pos)
             + ", which XML 1.0 does not allow";
    }
    pos += len;
  }
  return {};
}

void append_escaped(std::string& out, std::string_view text) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view rep;
    switch (text[i]) {
      case '<':
        rep = "&lt;";
        break;
      case '>':
        rep = "&gt;";
        break;
      case '&':
        rep = "&amp;";
        break;
      case '"':
        rep = "&quot;";
        break;
      case '\'':
        rep = "&apos;";
        break;
      case '\r':
        // A raw CR would be normalised to LF by the reader.
        rep = "&#13;";
        break;
      default:
        continue;
    }
    out.append(text.data() + run, i - run);
    out.append(rep);
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

std::string sanitize_text(std::string_view text) {
  if (check_xml_text(text).empty())
    return std::string{text};
  std::string clean;
  clean.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    uint32_t cp = 0;
    auto len = next_xml_char(text, pos, cp);
    if (len == 0 || !is_xml_char(cp)) {
      clean += "\xEF\xBF\xBD"; // U+FFFD
      pos += len == 0 ? 1 : len;
    } else {
      clean.append(text.data() + pos, len);
      pos += len;
    }
  }
  return clean;
}

void append_escaped_lossy(std::string& out, std::string_view text) {
  if (check_xml_text(text).empty())
    append_escaped(out, text);
  else
    append_escaped(out, sanitize_text(text));
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  append_escaped(out, text);
  return out;
}

} // namespace usms::soap
