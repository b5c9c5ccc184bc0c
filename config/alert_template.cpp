// parse_template: the one reading of an alertmanager template.

#include "config/alert_template.hpp"

#include <optional>
#include <utility>

namespace usms::config {

namespace {

constexpr std::string_view open_mark = "{{";
constexpr std::string_view close_mark = "}}";

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

bool is_name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back()))
    s.remove_suffix(1);
  return s;
}

bool is_name(std::string_view s) {
  if (s.empty() || !is_name_start(s.front()))
    return false;
  for (char c : s)
    if (!is_name_char(c))
      return false;
  return true;
}

// The reference between the marks, or nullopt when it is not one.
std::optional<template_part> read_reference(std::string_view inside) {
  inside = trim_blanks(inside);
  for (auto [prefix, kind] :
       {std::pair{std::string_view{"labels."}, template_part_kind::label},
        std::pair{std::string_view{"annotations."},
                  template_part_kind::annotation}}) {
    if (inside.compare(0, prefix.size(), prefix) != 0)
      continue;
    auto name = inside.substr(prefix.size());
    if (!is_name(name))
      return std::nullopt;
    return template_part{kind, std::string{name}};
  }
  return std::nullopt;
}

void add_literal(std::vector<template_part>& parts, std::string_view text) {
  if (text.empty())
    return;
  if (!parts.empty() && parts.back().kind == template_part_kind::literal)
    parts.back().text += text;
  else
    parts.push_back({template_part_kind::literal, std::string{text}});
}

} // namespace

usms::result<std::vector<template_part>> parse_template(std::string_view text) {
  std::vector<template_part> parts;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find(open_mark, pos);
    if (open == std::string_view::npos) {
      add_literal(parts, text.substr(pos));
      break;
    }
    add_literal(parts, text.substr(pos, open - pos));
    auto at = "at character " + std::to_string(open + 1);
    auto close = text.find(close_mark, open + open_mark.size());
    if (close == std::string_view::npos)
      return usms::failure{"'{{' " + at + " is never closed with '}}'",
                           "template"};
    auto end = close + close_mark.size();
    auto inside
        = text.substr(open + open_mark.size(), close - open - open_mark.size());
    auto reference = read_reference(inside);
    if (!reference)
      return usms::failure{"'" + std::string{text.substr(open, end - open)}
                               + "' " + at
                               + " is not {{ labels.NAME }} or "
                                 "{{ annotations.NAME }} (NAME: letters, "
                                 "digits and _, not starting with a digit)",
                           "template"};
    parts.push_back(std::move(*reference));
    pos = end;
  }
  return parts;
}

} // namespace usms::config
