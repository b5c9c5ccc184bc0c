#pragma once

#include <cstdint>
#include <string_view>

namespace usms::config {

/// Where a setting's value came from. Later sources win, in this order.
enum class value_source : std::uint8_t {
  default_value,
  file,
  env,
  flag,
  runtime
};

/// `default`, `file`, `env`, `flag`, `runtime`.
constexpr std::string_view to_string(value_source x) {
  switch (x) {
  case value_source::default_value:
    return "default";
  case value_source::file:
    return "file";
  case value_source::env:
    return "env";
  case value_source::flag:
    return "flag";
  case value_source::runtime:
    return "runtime";
  }
  return "default";
}

} // namespace usms::config
