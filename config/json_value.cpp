#include "config/json_value.hpp"

#include "common/json_parse.hpp"
#include "config/units.hpp"
#include "config/url_redaction.hpp"
#include "config/value_checks.hpp"

namespace usms::config {

namespace {

using std::chrono::milliseconds;

usms::failure wrong_type(const key_info& key, const rapidjson::Value& json,
                         std::string_view expected) {
  return usms::failure{"expected " + std::string{expected} + ", got "
                           + std::string{json_type_name(json)},
                       key.dotted()};
}

usms::result<value> read_tokens(const key_info& key,
                                const rapidjson::Value& json) {
  if (!json.IsArray())
    return wrong_type(key, json, "an array of {\"token\", \"scope\"} objects");
  std::vector<auth_token> out;
  for (const auto& item : json.GetArray()) {
    auto n = std::to_string(out.size() + 1);
    if (!item.IsObject())
      return usms::failure{"token #" + n + " is not an object", key.dotted()};
    auth_token t;
    bool has_token = false;
    bool has_scope = false;
    for (const auto& m : item.GetObject()) {
      std::string_view name{m.name.GetString(), m.name.GetStringLength()};
      if (name == "token" && m.value.IsString()) {
        t.token.assign(m.value.GetString(), m.value.GetStringLength());
        has_token = true;
      } else if (name == "scope" && m.value.IsString()) {
        auto scope = parse_token_scope(
            {m.value.GetString(), m.value.GetStringLength()});
        if (!scope)
          return usms::failure{"token #" + n
                                   + " has a scope that is not read, submit or "
                                     "admin",
                               key.dotted()};
        t.scope = *scope;
        has_scope = true;
      } else {
        return usms::failure{"token #" + n + " has an unexpected member '"
                                 + std::string{name} + "'",
                             key.dotted()};
      }
    }
    if (!has_token || !has_scope)
      return usms::failure{"token #" + n + " needs both token and scope",
                           key.dotted()};
    out.push_back(std::move(t));
  }
  return value{std::move(out)};
}

usms::result<value> read_priorities(const key_info& key,
                                    const rapidjson::Value& json) {
  if (!json.IsObject())
    return wrong_type(key, json,
                      "an object of severity names to priorities, e.g. "
                      "{\"critical\": 1}");
  priority_table out;
  for (const auto& m : json.GetObject()) {
    std::string severity{m.name.GetString(), m.name.GetStringLength()};
    if (!m.value.IsInt64())
      return usms::failure{"severity " + quoted_redacted(severity)
                               + ": expected an integer, got "
                               + std::string{json_type_name(m.value)},
                           key.dotted()};
    if (auto problem = check_priority(severity, m.value.GetInt64());
        !problem.empty())
      return usms::failure{std::move(problem), key.dotted()};
    if (!add_priority(out, severity, static_cast<int>(m.value.GetInt64())))
      return usms::failure{"severity " + quoted_redacted(severity)
                               + " appears twice",
                           key.dotted()};
  }
  return value{std::move(out)};
}

usms::result<value> read_raw(const key_info& key,
                             const rapidjson::Value& json) {
  auto text = [&] {
    return std::string_view{json.GetString(), json.GetStringLength()};
  };
  switch (key.kind) {
  case value_kind::string:
  case value_kind::template_text:
    if (!json.IsString())
      return wrong_type(key, json, "a string");
    return value{std::string{text()}};
  case value_kind::secret:
    if (json.IsNull())
      return value{std::string{}};
    if (!json.IsString())
      return wrong_type(key, json, "a string or null");
    return value{std::string{text()}};
  case value_kind::integer:
    if (!json.IsInt64())
      return wrong_type(key, json, "an integer");
    return value{json.GetInt64()};
  case value_kind::number:
    if (!json.IsNumber())
      return wrong_type(key, json, "a number");
    return value{json.GetDouble()};
  case value_kind::boolean:
    if (!json.IsBool())
      return wrong_type(key, json, "true or false");
    return value{json.GetBool()};
  case value_kind::duration:
    if (json.IsInt64() && json.GetInt64() == 0)
      return value{milliseconds{0}};
    if (!json.IsString())
      return wrong_type(key, json, "a duration string such as \"30s\"");
    return parse_text(key, text());
  case value_kind::size:
    if (json.IsInt64())
      return value{json.GetInt64()};
    if (!json.IsString())
      return wrong_type(key, json,
                        "a size such as \"1MiB\" or a number of bytes");
    return parse_text(key, text());
  case value_kind::optional_duration:
    if (json.IsNull())
      return value{std::optional<milliseconds>{}};
    if (!json.IsString())
      return wrong_type(key, json,
                        "a duration string such as \"30d\", \""
                            + std::string{key.none_word} + "\" or null");
    return parse_text(key, text());
  case value_kind::tokens:
    return read_tokens(key, json);
  case value_kind::priority_table:
    return read_priorities(key, json);
  }
  return usms::failure{"unknown kind", key.dotted()};
}

} // namespace

std::string_view json_type_name(const rapidjson::Value& json) {
  switch (json.GetType()) {
  case rapidjson::kNullType:
    return "null";
  case rapidjson::kFalseType:
  case rapidjson::kTrueType:
    return "a boolean";
  case rapidjson::kObjectType:
    return "an object";
  case rapidjson::kArrayType:
    return "an array";
  case rapidjson::kStringType:
    return "a string";
  case rapidjson::kNumberType:
    return json.IsInt64() || json.IsUint64() ? "an integer" : "a number";
  }
  return "a value";
}

usms::result<value> value_from_json(const key_info& key,
                                    const rapidjson::Value& json) {
  auto raw = read_raw(key, json);
  if (!raw)
    return raw;
  return check_value(key, std::move(*raw));
}

void write_value(json_writer& out, const key_info& key, const value& v) {
  switch (key.kind) {
  case value_kind::string:
  case value_kind::template_text:
  case value_kind::secret: {
    const auto& s = std::get<std::string>(v);
    out.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return;
  }
  case value_kind::integer:
    out.Int64(std::get<std::int64_t>(v));
    return;
  case value_kind::number:
    out.Double(std::get<double>(v));
    return;
  case value_kind::boolean:
    out.Bool(std::get<bool>(v));
    return;
  case value_kind::tokens:
    out.StartArray();
    for (const auto& t : std::get<std::vector<auth_token>>(v)) {
      out.StartObject();
      out.Key("token");
      out.String(t.token.data(),
                 static_cast<rapidjson::SizeType>(t.token.size()));
      out.Key("scope");
      auto scope = to_string(t.scope);
      out.String(scope.data(), static_cast<rapidjson::SizeType>(scope.size()));
      out.EndObject();
    }
    out.EndArray();
    return;
  case value_kind::priority_table:
    out.StartObject();
    for (const auto& [severity, priority] : std::get<priority_table>(v)) {
      out.Key(severity.data(),
              static_cast<rapidjson::SizeType>(severity.size()));
      out.Int(priority);
    }
    out.EndObject();
    return;
  case value_kind::duration:
  case value_kind::size:
  case value_kind::optional_duration: {
    auto s = format_text(key, v);
    out.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return;
  }
  }
}

usms::result<value> parse_json_text(const key_info& key,
                                    std::string_view json) {
  rapidjson::Document doc;
  if (auto e = parse_json(json, doc))
    return usms::failure{"the value is " + e->message, key.dotted()};
  return value_from_json(key, doc);
}

std::string to_json_text(const key_info& key, const value& v) {
  rapidjson::StringBuffer buffer;
  json_writer out{buffer};
  write_value(out, key, v);
  return {buffer.GetString(), buffer.GetSize()};
}

} // namespace usms::config
