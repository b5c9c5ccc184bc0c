#include "persistence/record_json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/json_parse.hpp"

namespace usms::db {

namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_fields(writer& w, const ticket_fields& fields) {
  w.StartObject();
  for (auto& [k, v] : fields) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
}

void read_fields(const rapidjson::Value& obj, ticket_fields& out) {
  if (!obj.IsObject())
    return;
  for (auto& m : obj.GetObject())
    if (m.value.IsString())
      out.emplace(std::string(m.name.GetString(), m.name.GetStringLength()),
                  std::string(m.value.GetString(), m.value.GetStringLength()));
}

std::string text_member(const rapidjson::Value& obj, const char* key) {
  auto i = obj.FindMember(key);
  if (i == obj.MemberEnd() || !i->value.IsString())
    return {};
  return std::string(i->value.GetString(), i->value.GetStringLength());
}

int64_t int_member(const rapidjson::Value& obj, const char* key) {
  auto i = obj.FindMember(key);
  return i != obj.MemberEnd() && i->value.IsInt64() ? i->value.GetInt64() : 0;
}

} // namespace

std::string encode_payload(const ticket_request& req) {
  rapidjson::StringBuffer buf;
  writer w{buf};
  w.StartObject();
  if (!req.fields.empty()) {
    w.Key("fields");
    write_fields(w, req.fields);
  }
  if (!req.filter.empty()) {
    w.Key("filter");
    write_fields(w, req.filter);
  }
  if (!req.ticket_id.empty()) {
    w.Key("ticket_id");
    w.String(req.ticket_id.c_str());
  }
  if (!req.work_note.empty()) {
    w.Key("work_note");
    w.String(req.work_note.data(),
             static_cast<rapidjson::SizeType>(req.work_note.size()));
  }
  if (req.limit != 0) {
    w.Key("limit");
    w.Int(req.limit);
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

bool decode_payload(std::string_view json, ticket_request& req) {
  rapidjson::Document doc;
  if (parse_json(json, doc) || !doc.IsObject())
    return false;
  if (auto i = doc.FindMember("fields"); i != doc.MemberEnd())
    read_fields(i->value, req.fields);
  if (auto i = doc.FindMember("filter"); i != doc.MemberEnd())
    read_fields(i->value, req.filter);
  req.ticket_id = text_member(doc, "ticket_id");
  req.work_note = text_member(doc, "work_note");
  req.limit = static_cast<int32_t>(int_member(doc, "limit"));
  return true;
}

std::string encode_result(const request_outcome& out) {
  rapidjson::StringBuffer buf;
  writer w{buf};
  w.StartObject();
  if (!out.ticket_id.empty()) {
    w.Key("ticket_id");
    w.String(out.ticket_id.c_str());
  }
  if (!out.tickets.empty()) {
    w.Key("tickets");
    w.StartArray();
    for (auto& t : out.tickets)
      write_fields(w, t);
    w.EndArray();
  }
  if (out.total_count != 0) {
    w.Key("total_count");
    w.Int(out.total_count);
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

bool decode_result(std::string_view json, request_outcome& out) {
  rapidjson::Document doc;
  if (parse_json(json, doc) || !doc.IsObject())
    return false;
  out.ticket_id = text_member(doc, "ticket_id");
  if (auto i = doc.FindMember("tickets");
      i != doc.MemberEnd() && i->value.IsArray())
    for (auto& t : i->value.GetArray()) {
      ticket_fields fields;
      read_fields(t, fields);
      out.tickets.push_back(std::move(fields));
    }
  out.total_count = static_cast<int32_t>(int_member(doc, "total_count"));
  return true;
}

} // namespace usms::db
