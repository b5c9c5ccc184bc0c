#include "contract/xml_guard.hpp"

#include <cstring>

#include "common/ascii.hpp"

namespace usms::xml {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size()
         && iequals(s.substr(0, prefix.size()), prefix);
}

// Finds a tag-like `needle` (it starts with '<'), jumping between '<'s.
std::size_t find_nocase(std::string_view s, std::string_view needle,
                        std::size_t from = 0) {
  while (from < s.size()) {
    auto lt = s.find('<', from);
    if (lt == std::string_view::npos)
      return lt;
    if (starts_with_nocase(s.substr(lt), needle))
      return lt;
    from = lt + 1;
  }
  return std::string_view::npos;
}

// A short, printable quote of untrusted text for an error message.
std::string quote_start(std::string_view s, std::size_t max_len) {
  std::string out;
  std::size_t i = 0;
  for (; i < s.size() && out.size() < max_len; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (is_space(s[i])) {
      if (!out.empty() && out.back() != ' ')
        out += ' ';
    } else if (c < 0x20 || c == 0x7F) {
      out += '?';
    } else {
      out += s[i];
    }
  }
  bool cut = s.find_first_not_of(" \t\r\n", i) != std::string_view::npos;
  if (cut) {
    // Do not cut a UTF-8 sequence in half.
    while (!out.empty()
           && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
      out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0)
      out.pop_back();
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  if (cut)
    out += "...";
  return out;
}

std::string_view skip_bom_and_space(std::string_view s) {
  if (s.size() >= 3 && s.compare(0, 3, "\xEF\xBB\xBF") == 0)
    s.remove_prefix(3);
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  return s;
}

bool looks_like_html(std::string_view s) {
  // "<!DOCTYPE html", "<html", or an XHTML root after an XML declaration.
  auto head = s.substr(0, 1024);
  return starts_with_nocase(head, "<!doctype html")
         || find_nocase(head, "<html") != std::string_view::npos;
}

guard_result fail(guard_error e, std::string detail) {
  return guard_result{e, std::move(detail)};
}

} // namespace

std::string html_title(std::string_view body) {
  auto open = find_nocase(body, "<title");
  if (open == std::string_view::npos)
    return {};
  auto gt = body.find('>', open);
  if (gt == std::string_view::npos)
    return {};
  auto close = find_nocase(body, "</title", gt);
  if (close == std::string_view::npos)
    close = body.size();
  auto title = body.substr(gt + 1, close - gt - 1);
  while (!title.empty() && is_space(title.front()))
    title.remove_prefix(1);
  return quote_start(title, 200);
}

guard_result check_body(std::string_view body, std::size_t max_bytes,
                        std::size_t max_depth, std::size_t max_nodes) {
  if (body.size() > max_bytes)
    return fail(guard_error::too_large,
                "body of " + std::to_string(body.size())
                  + " bytes exceeds the limit of " + std::to_string(max_bytes)
                  + " bytes");
  auto s = skip_bom_and_space(body);
  if (s.empty())
    return fail(guard_error::empty, "empty body");
  if (auto nul = std::memchr(body.data(), 0, body.size()))
    return fail(guard_error::nul_byte,
                "NUL byte at byte "
                  + std::to_string(static_cast<const char*>(nul) - body.data()));
  if (looks_like_html(s))
    return fail(guard_error::html, html_title(s));
  if (s.front() != '<')
    return fail(guard_error::not_xml, "\"" + quote_start(s, 80) + "\"");

  const char* p = s.data();
  const char* end = p + s.size();
  std::size_t depth = 0;
  std::size_t nodes = 0;
  bool seen_root = false;
  bool seen_anything = false;
  auto remaining = [&] { return static_cast<std::size_t>(end - p); };
  auto skip_past = [&](std::string_view terminator) {
    std::string_view rest{p, remaining()};
    auto at = rest.find(terminator);
    if (at == std::string_view::npos)
      return false;
    p += at + terminator.size();
    return true;
  };
  while (p < end) {
    if (*p != '<') {
      // Character data: only whitespace may stand outside the root element.
      auto next = static_cast<const char*>(std::memchr(p, '<', remaining()));
      const char* stop = next ? next : end;
      if (depth == 0)
        for (auto q = p; q < stop; ++q)
          if (!is_space(*q))
            return fail(seen_root ? guard_error::malformed
                                  : guard_error::not_xml,
                        seen_root ? "text after the root element"
                                  : "text before the root element");
      p = stop;
      continue;
    }
    std::string_view rest{p, remaining()};
    if (rest.size() < 2)
      return fail(guard_error::truncated, "ends inside a tag");
    if (rest[1] == '?') {
      bool is_decl = !seen_anything && rest.size() > 5
                     && rest.compare(2, 3, "xml") == 0 && is_space(rest[5]);
      if (!is_decl)
        return fail(guard_error::pi, "a processing instruction");
      if (!skip_past("?>"))
        return fail(guard_error::truncated, "ends inside the XML declaration");
      seen_anything = true;
      continue;
    }
    seen_anything = true;
    if (rest[1] == '!') {
      if (rest.compare(0, 4, "<!--") == 0) {
        p += 4;
        if (!skip_past("-->"))
          return fail(guard_error::truncated, "ends inside a comment");
        continue;
      }
      if (rest.compare(0, 9, "<![CDATA[") == 0) {
        if (depth == 0)
          return fail(guard_error::malformed, "CDATA outside the root element");
        p += 9;
        if (!skip_past("]]>"))
          return fail(guard_error::truncated, "ends inside a CDATA section");
        continue;
      }
      if (rest.size() < 9 && std::string_view{"<!DOCTYPE"}.substr(0, rest.size()) == rest)
        return fail(guard_error::truncated, "ends inside a declaration");
      return fail(guard_error::doctype, "a DOCTYPE or ENTITY declaration");
    }
    if (rest[1] == '/') {
      if (depth == 0)
        return fail(guard_error::malformed, "a closing tag with no open element");
      auto gt = static_cast<const char*>(std::memchr(p, '>', remaining()));
      if (!gt)
        return fail(guard_error::truncated, "ends inside a closing tag");
      p = gt + 1;
      if (--depth == 0)
        seen_root = true;
      continue;
    }
    // A start tag: find its '>' outside quoted attribute values.
    if (depth == 0 && seen_root)
      return fail(guard_error::malformed, "a second root element");
    const char* q = p + 1;
    char quote = 0;
    ++nodes;
    for (; q < end; ++q) {
      char c = *q;
      if (quote) {
        if (c == quote)
          quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
        ++nodes; // an attribute value
      } else if (c == '>') {
        break;
      } else if (c == '<') {
        return fail(guard_error::malformed, "'<' inside a tag");
      }
    }
    if (q == end)
      return fail(guard_error::truncated, "ends inside a start tag");
    if (nodes > max_nodes)
      return fail(guard_error::too_many,
                  "more than " + std::to_string(max_nodes)
                    + " elements and attributes");
    bool empty_element = q[-1] == '/' && q - 1 > p + 1;
    p = q + 1;
    if (empty_element) {
      if (depth == 0)
        seen_root = true;
      continue;
    }
    if (++depth > max_depth)
      return fail(guard_error::too_deep, "elements nested deeper than "
                                           + std::to_string(max_depth)
                                           + " levels");
  }
  if (depth > 0)
    return fail(guard_error::truncated,
                "ends before " + std::to_string(depth)
                  + " open element(s) are closed");
  if (!seen_root)
    return fail(guard_error::not_xml, "no root element");
  return {};
}

} // namespace usms::xml
