#pragma once

/// The HTTP API's error answer: `{"error": {"code", "message", "field"}}`.

#include <string>

namespace usms::api {

struct api_error {
  unsigned status = 400;
  std::string code = "validation_failed";
  std::string message;
  std::string field; ///< the JSON path to blame, when one is
};

std::string to_json(const api_error& e);

inline api_error bad_field(std::string field, std::string message) {
  return {400, "validation_failed", std::move(message), std::move(field)};
}

} // namespace usms::api
