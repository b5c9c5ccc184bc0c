#pragma once

/// Parsing of the simulator's flag values that CLI11 does not know.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace usms::sim {

/// `5ms`, `1.5s`, `250us`, `2m`, `0`; a bare number is milliseconds.
std::optional<std::chrono::microseconds> parse_duration(std::string_view text);

struct host_port {
  std::string host;
  uint16_t port = 0;
};

/// `HOST:PORT` or `[V6]:PORT`; port 0 allowed (pick a free one).
std::optional<host_port> parse_host_port(std::string_view text);

} // namespace usms::sim
