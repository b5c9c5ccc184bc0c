#pragma once

// The key registry: every setting's section, name, kind and rules, and the
// text and JSON forms of its values. Implemented in keys.cpp (the table and
// lookups), value_checks.cpp (check_value and the rules it runs),
// value_text.cpp (parse_text, format_text) and json_value.cpp
// (parse_json_text, to_json_text).

#include "config/settings.hpp"
#include "contract/result.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace usms::config {

/// How a key's value is written and read.
enum class value_kind : std::uint8_t {
  string,            ///< any text; a URL's password is shown as `***`
  template_text,     ///< an alertmanager template, shown as written
  secret,            ///< text that is never shown or logged
  integer,           ///< whole number
  number,            ///< double
  boolean,           ///< true / false
  duration,          ///< `500ms`, `30s`, `5m`, `4h`, `7d`
  size,              ///< bytes: `1048576`, `512KiB`, `1MiB`, `10MB`
  optional_duration, ///< a duration or the key's none_word
  tokens,            ///< a list of {token, scope}; never shown
  priority_table,    ///< severity names → priorities 1..5
};

/// `string`, `secret`, `integer`, ... (for messages).
std::string_view to_string(value_kind x);

/// One setting's value, whatever its kind. Integers and sizes are both
/// `std::int64_t`; `optional_duration` uses the optional alternative.
using value = std::variant<bool, std::int64_t, double, std::string,
                           std::chrono::milliseconds,
                           std::optional<std::chrono::milliseconds>,
                           std::vector<auth_token>, priority_table>;

/// One row of the key registry: the single description of a setting that
/// the TOML, environment, flag and JSON readers and writers all share.
struct key_info {
  /// The TOML table, e.g. `soap`.
  std::string_view section;
  /// The key inside it, e.g. `retries`.
  std::string_view name;
  value_kind kind;
  /// Whether PUT /api/v1/config may change it while the gateway runs.
  bool runtime;
  /// Never shown (soap.password, auth.tokens).
  bool secret;
  /// One line for operators (sample config, documentation).
  std::string_view help;
  /// What is wrong with a value of the right kind; empty when it is fine.
  /// Never quotes a secret.
  std::string (*check)(const value&);
  /// Reads the member of `settings` this key stands for.
  value (*get)(const settings&);
  /// Writes the member; the value must have the key's kind.
  void (*set)(settings&, const value&);
  /// For `optional_duration` keys: the word that stands for "no duration"
  /// in every form (`disabled` for offload.retention, `never` for
  /// soap.give_up_after); JSON also takes null. Empty for other kinds.
  std::string_view none_word;

  /// `soap.retries`.
  std::string dotted() const;
  /// `USMS_GW_SOAP_RETRIES`.
  std::string env_name() const;
};

/// Every key, grouped by section in the order the sample configuration
/// lists them.
const std::vector<key_info>& all_keys();

/// The sections, in the order of all_keys().
const std::vector<std::string_view>& all_sections();

/// Looks a key up; nullptr when there is no such key.
const key_info* find_key(std::string_view section, std::string_view name);
const key_info* find_key(std::string_view dotted);

bool is_section(std::string_view section);

/// What a value of the key looks like, for messages: `a duration or
/// 'never'`, `an integer`, ...
std::string expected_form(const key_info& key);

/// Applies the key's own rules (ranges, formats) to a value of its kind.
/// The failure's message does not name the key: callers add key and origin.
usms::result<value> check_value(const key_info& key, value v);

/// Reads the text form used by environment variables and flags: durations
/// and sizes with units, booleans as true/false/1/0/yes/no/on/off, tokens as
/// `tok1:admin,tok2:read`, optional durations as a duration or the key's
/// none_word, priority tables as `critical=1,major=2` (empty = no entries).
/// Runs check_value. The failure's message does not name the key and never
/// quotes a secret.
usms::result<value> parse_text(const key_info& key, std::string_view text);

/// The text form of a value for people (messages), readable by parse_text.
/// Secrets print as `(set)` or `(not set)`, tokens as their count, a URL's
/// password as `***` (redact_url_password).
std::string format_text(const key_info& key, const value& v);

/// Reads one value from JSON text (as kept for runtime values): strings for
/// text, durations (`"30s"`) and optional durations (`"30d"`, the none_word
/// or null); numbers for integers and `max_rate`; a string or an integer for
/// sizes; null or a string for secrets (null = not set); an object of
/// integers for priority tables (`{"critical": 1}`). Runs check_value.
usms::result<value> parse_json_text(const key_info& key, std::string_view json);

/// One value as JSON text, readable by parse_json_text. Secrets are written
/// as they are: callers that show values must not call this for secrets.
std::string to_json_text(const key_info& key, const value& v);

} // namespace usms::config
