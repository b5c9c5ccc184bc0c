#include "api/json_body.hpp"

#include <algorithm>
#include <variant>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "contract/soap_codec.hpp"
#include "contract/soap_rules.hpp"
#include "contract/ticket_fields.hpp"
#include "transport/url.hpp"

namespace usms::api {

namespace {

/// A field's JSON value as the text the SOAP element carries.
std::variant<std::string, api_error> field_text(const field_def& def,
                                                const rapidjson::Value& v,
                                                const std::string& path) {
  switch (def.kind) {
  case field_kind::priority:
    if (v.IsInt())
      return std::to_string(v.GetInt());
    if (v.IsString())
      return json_text(v);
    return bad_field(path, std::string{def.json_name}
                               + " must be an integer from 1 to 5");
  case field_kind::boolean:
    if (v.IsBool())
      return std::string{v.GetBool() ? "true" : "false"};
    if (v.IsString())
      return json_text(v);
    return bad_field(path,
                     std::string{def.json_name} + " must be true or false");
  default:
    if (v.IsString())
      return json_text(v);
    return bad_field(path, std::string{def.json_name} + " must be a string");
  }
}

} // namespace

std::optional<api_error> parse_json_object(std::string_view body,
                                           rapidjson::Document& out) {
  out.Parse<rapidjson::kParseStopWhenDoneFlag>(body.data(), body.size());
  if (out.HasParseError())
    return api_error{400, "malformed_json",
                     std::string{"the body is not valid JSON: "}
                         + rapidjson::GetParseError_En(out.GetParseError())
                         + " (at byte " + std::to_string(out.GetErrorOffset())
                         + ")",
                     ""};
  if (!out.IsObject())
    return api_error{400, "malformed_json", "the body must be a JSON object",
                     ""};
  return std::nullopt;
}

std::optional<api_error>
reject_unknown_keys(const rapidjson::Value& obj,
                    std::initializer_list<const char*> known) {
  for (auto& m : obj.GetObject()) {
    auto name = json_text(m.name);
    if (std::none_of(known.begin(), known.end(),
                     [&](const char* k) { return name == k; }))
      return bad_field(name, name + " is not a request key");
  }
  return std::nullopt;
}

std::string json_text(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

std::optional<api_error> read_text_key(const rapidjson::Value& obj,
                                       const char* key, std::string& out,
                                       std::size_t max) {
  auto i = obj.FindMember(key);
  if (i == obj.MemberEnd() || i->value.IsNull())
    return std::nullopt;
  if (!i->value.IsString())
    return bad_field(key, std::string{key} + " must be a string");
  out = json_text(i->value);
  if (out.size() > max)
    return bad_field(key, std::string{key} + " is longer than "
                              + std::to_string(max) + " characters");
  if (auto bad = soap::check_xml_text(out); !bad.empty())
    return bad_field(key, std::string{key} + ": " + bad);
  return std::nullopt;
}

std::optional<api_error> read_source_and_reply_to(const rapidjson::Value& obj,
                                                  std::string& source,
                                                  std::string& reply_to) {
  if (auto e = read_text_key(obj, "source", source, max_source_bytes))
    return e;
  if (auto e = read_text_key(obj, "reply_to", reply_to, max_reply_to_bytes))
    return e;
  if (!reply_to.empty() && !http::parse_url(reply_to))
    return bad_field("reply_to", "reply_to must be an http:// or https:// URL");
  return std::nullopt;
}

api_error not_offered(const soap::contract& k, const std::string& what,
                      const std::string& field) {
  return {422, "unsupported_by_usms_api",
          what + " is not supported by the USMS contract " + k.name
            + " (it offers " + k.offered_list() + ")",
          field};
}

api_error not_carried(const soap::contract& k, const std::string& what,
                      const std::string& field) {
  return {422, "unsupported_by_usms_api",
          what + " is not supported by " + k.name, field};
}

std::optional<api_error> read_ticket_fields(const rapidjson::Value& obj,
                                            ticket_type type,
                                            const soap::contract& k,
                                            const soap::operation& op,
                                            ticket_fields& out) {
  if (!obj.IsObject())
    return bad_field("fields", "fields must be an object");
  for (auto& m : obj.GetObject()) {
    auto name = json_text(m.name);
    auto path = "fields." + name;
    auto* def = field_by_json_name(name);
    if (!def)
      return bad_field(path, name + " is not a ticket field");
    if (def->read_only)
      return bad_field(path, name + " is set by USMS and cannot be sent");
    if (!field_allowed(*def, type))
      return bad_field(path, name + " is not a field of "
                                 + std::string{to_string(type)} + " tickets");
    if (!op.carries(static_cast<std::size_t>(def - ticket_field_defs().data())))
      return not_carried(k, name, path);
    if (m.value.IsNull())
      continue;
    auto text = field_text(*def, m.value, path);
    if (auto* err = std::get_if<api_error>(&text))
      return *err;
    auto& value = std::get<std::string>(text);
    if (auto problem = check_field_value(*def, type, value); !problem.empty())
      return bad_field(path, problem);
    if (auto bad = soap::check_xml_text(value); !bad.empty())
      return bad_field(path, name + ": " + bad);
    out[std::string{def->soap_name}] = std::move(value);
  }
  return std::nullopt;
}

} // namespace usms::api
