#pragma once

/// Turns the command line's `key=value` arguments into the JSON the
/// gateway's ticket endpoints take.

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace usms::cli {

/// One `--field key=value` with its value typed the way the API wants it.
struct field_arg {
  enum class kind { text, integer, boolean };
  std::string key;
  std::string text; ///< the value as written
  kind type = kind::text;
  long long integer = 0;
  bool boolean = false;
};

/// Splits `key=value` (the value may be empty or contain `=`). Numeric
/// fields (priority, impact, urgency) become numbers and known_error a bool
/// when the value reads as one; anything else stays a string, so the
/// gateway names the field when it refuses it. An error sentence when the
/// argument has no `=` or an empty key.
std::variant<field_arg, std::string> parse_field_arg(const std::string& arg);

/// Splits `key=value` for query filters (strings only).
std::variant<std::pair<std::string, std::string>, std::string>
parse_pair_arg(const std::string& arg);

/// What a create or update sends besides the fields.
struct ticket_body {
  std::vector<field_arg> fields;
  std::optional<std::string> source;
  std::optional<std::string> correlation_id;
  std::optional<std::string> reply_to;
  std::optional<std::string> work_note;
};

/// `{"fields": {...}, "source": ..., ...}`; later fields win over earlier
/// ones with the same key.
std::string ticket_body_json(const ticket_body& body);

} // namespace usms::cli
