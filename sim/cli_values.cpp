#include "sim/cli_values.hpp"

#include <cmath>
#include <cstdlib>

namespace usms::sim {

std::optional<std::chrono::microseconds> parse_duration(std::string_view text) {
  std::size_t unit_at = 0;
  while (unit_at < text.size()
         && ((text[unit_at] >= '0' && text[unit_at] <= '9')
             || text[unit_at] == '.'))
    ++unit_at;
  if (unit_at == 0)
    return std::nullopt;
  std::string number(text.substr(0, unit_at));
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value))
    return std::nullopt;
  auto unit = text.substr(unit_at);
  double scale; // microseconds per unit
  if (unit.empty() || unit == "ms")
    scale = 1e3;
  else if (unit == "us")
    scale = 1;
  else if (unit == "s")
    scale = 1e6;
  else if (unit == "m" || unit == "min")
    scale = 60e6;
  else if (unit == "h")
    scale = 3600e6;
  else
    return std::nullopt;
  double us = value * scale;
  if (us > 1e15)
    return std::nullopt;
  return std::chrono::microseconds(static_cast<int64_t>(std::llround(us)));
}

std::optional<host_port> parse_host_port(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0
      || colon + 1 == text.size())
    return std::nullopt;
  host_port hp;
  auto host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3)
      return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt; // a bare v6 address needs brackets
  }
  hp.host = std::string(host);
  unsigned long port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9')
      return std::nullopt;
    port = port * 10 + static_cast<unsigned long>(c - '0');
    if (port > 65535)
      return std::nullopt;
  }
  hp.port = static_cast<uint16_t>(port);
  return hp;
}

} // namespace usms::sim
