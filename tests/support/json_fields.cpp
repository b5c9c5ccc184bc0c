#include "tests/support/json_fields.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace usms::test {

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  INFO("JSON text: " << text);
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

std::string request_id_of(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError())
    return {};
  return json_string(doc, "request_id");
}

std::string json_string(const rapidjson::Value& doc, const char* key) {
  if (!doc.IsObject())
    return {};
  auto i = doc.FindMember(key);
  if (i == doc.MemberEnd() || !i->value.IsString())
    return {};
  return {i->value.GetString(), i->value.GetStringLength()};
}

int64_t json_int(const rapidjson::Value& doc, const char* key,
                 int64_t fallback) {
  if (!doc.IsObject())
    return fallback;
  auto i = doc.FindMember(key);
  if (i == doc.MemberEnd() || !i->value.IsInt64())
    return fallback;
  return i->value.GetInt64();
}

std::string json_quote(const std::string& text) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return buf.GetString();
}

bool is_finished_state(const std::string& state) {
  return state == "succeeded" || state == "failed" || state == "cancelled";
}

} // namespace usms::test
