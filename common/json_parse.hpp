#pragma once

/// The one JSON parser every program of the project uses, for text from
/// outside (API bodies, config PUTs, the simulator's admin API, the
/// gateway's answers to usmsctl) and for its own stored JSON alike.
///
/// Its limits hold for hostile input: at most `max_json_depth` arrays and
/// objects open at once (the outermost counts as 1); no object with the same
/// key twice; only valid UTF-8 (overlong forms, surrogates and code points
/// past U+10FFFF refused, and so is a `\u` escape of a lone surrogate);
/// nothing after the value but whitespace. NaN, Infinity and numbers too big
/// for a double (`1e999`) are syntax errors. Parsing never recurses per
/// nesting level, and a refused text never builds a deeper document.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace usms {

/// Most arrays and objects open at once. `[[]]` is 2 levels; a number or
/// string inside does not add one.
inline constexpr std::size_t max_json_depth = 64;

/// Why a text was refused.
enum class json_problem : std::uint8_t {
  syntax,        ///< not JSON (or trailing bytes, NaN, 1e999, ...)
  too_deep,      ///< more than max_json_depth levels
  duplicate_key, ///< an object names a key twice
  not_utf8,      ///< bytes that are not UTF-8, or a lone surrogate escape
};

/// A refusal a person can read.
struct json_error {
  json_problem problem = json_problem::syntax;
  /// Says which problem and where, worded to follow "the body is ...":
  /// `not valid JSON: Invalid value. (at byte 0)`, `JSON nested deeper
  /// than 64 levels (at byte 64)`, `JSON with the key "summary" twice in
  /// one object (at byte 24)`, `JSON text that is not valid UTF-8 (at byte
  /// 5)`.
  std::string message;
  std::size_t offset = 0; ///< the byte of `text` where it was noticed
};

/// Parses one JSON value (with whitespace around it; a UTF-8 byte order
/// mark at the start is skipped) into `out`. Empty on success; on failure
/// `out` is null and the error says why.
std::optional<json_error> parse_json(std::string_view text,
                                     rapidjson::Document& out);

} // namespace usms
