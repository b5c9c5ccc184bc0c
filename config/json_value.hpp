#pragma once

// RapidJSON bridge of the key registry, shared by the config library's own
// sources; other code uses parse_json_text/to_json_text from keys.hpp.

#include "config/keys.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace usms::config {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

/// Reads a key's value from a JSON value and runs check_value. The
/// failure's message does not name the key and never quotes a secret.
usms::result<value> value_from_json(const key_info& key,
                                    const rapidjson::Value& json);

/// Writes a key's value (secrets included: callers decide what to show).
void write_value(json_writer& out, const key_info& key, const value& v);

/// `a string`, `a number`, ... for messages.
std::string_view json_type_name(const rapidjson::Value& json);

} // namespace usms::config
