#include "app/url_params.hpp"

#include "common/ascii.hpp"
#include "common/iso_time.hpp"
#include "transport/url.hpp"

namespace usms::app {

namespace {

constexpr std::size_t max_text_filter = 256;

} // namespace

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    auto end = path.find('/', pos);
    if (end == std::string_view::npos)
      end = path.size();
    auto part = path.substr(pos, end - pos);
    auto decoded = http::percent_decode(part);
    parts.push_back(decoded ? *decoded : std::string{part});
    pos = end;
  }
  return parts;
}

params_map params_of(std::string_view target) {
  params_map out;
  for (auto& [k, v] : http::parse_query(target))
    out[k] = v;
  return out;
}

const std::string* param(const params_map& p, const char* key) {
  auto i = p.find(key);
  return i == p.end() ? nullptr : &i->second;
}

std::optional<api::api_error> read_int(const params_map& p, const char* key,
                                       int64_t lo, int64_t hi,
                                       int64_t& out) {
  auto* text = param(p, key);
  if (!text)
    return std::nullopt;
  std::size_t used = 0;
  int64_t v = 0;
  try {
    v = std::stoll(*text, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != text->size() || v < lo || v > hi)
    return api::bad_field(key, std::string{key} + " must be an integer from "
                                 + std::to_string(lo) + " to "
                                 + std::to_string(hi));
  out = v;
  return std::nullopt;
}

std::optional<api::api_error> read_time(const params_map& p, const char* key,
                                        int64_t& out) {
  auto* text = param(p, key);
  if (!text || text->empty())
    return std::nullopt;
  auto t = parse_iso8601_ms(*text);
  if (!t)
    return api::bad_field(key, std::string{key}
                                 + " must be an ISO 8601 time such as "
                                   "2026-11-27T06:48:31Z");
  out = *t;
  return std::nullopt;
}

std::optional<api::api_error>
read_choice(const params_map& p, const char* key,
            std::initializer_list<const char*> allowed, std::string& out) {
  auto* text = param(p, key);
  if (!text || text->empty())
    return std::nullopt;
  std::string list;
  for (auto* a : allowed) {
    if (iequals(a, *text)) {
      out = a;
      return std::nullopt;
    }
    list += list.empty() ? "" : ", ";
    list += a;
  }
  return api::bad_field(key, std::string{key} + " must be one of " + list);
}

std::optional<api::api_error> read_text(const params_map& p, const char* key,
                                        std::string& out) {
  auto* text = param(p, key);
  if (!text)
    return std::nullopt;
  if (text->size() > max_text_filter)
    return api::bad_field(key, std::string{key} + " is longer than "
                                 + std::to_string(max_text_filter)
                                 + " characters");
  out = *text;
  return std::nullopt;
}

} // namespace usms::app
