#include "bench/storm/storm_calls.hpp"

#include <cctype>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace usms::bench {

namespace {

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

void json_string(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* k,
                 const std::string& v) {
  w.Key(k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

} // namespace

http::outgoing to_outgoing(const std::string& gateway, bool idempotency_keys,
                           const storm_request& r) {
  http::outgoing o;
  std::string base = gateway + "/api/v1/tickets/" + r.type;
  if (r.action == "query") {
    o.method = "GET";
    rapidjson::Document d;
    d.Parse(r.fields.c_str());
    std::string q;
    for (auto& m : d.GetObject()) {
      std::string v = m.value.IsString()
                        ? std::string{m.value.GetString()}
                        : std::to_string(m.value.IsNumber()
                                           ? m.value.GetInt64()
                                           : 0);
      q += (q.empty() ? "?" : "&") + url_encode(m.name.GetString()) + "="
           + url_encode(v);
    }
    o.url = base + q;
    return o;
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w{sb};
  w.StartObject();
  w.Key("fields");
  w.RawValue(r.fields.data(), r.fields.size(), rapidjson::kObjectType);
  if (r.action == "create") {
    o.method = "POST";
    o.url = base;
    if (!r.source.empty())
      json_string(w, "source", r.source);
    if (!r.correlation_id.empty())
      json_string(w, "correlation_id", r.correlation_id);
  } else {
    o.method = "PATCH";
    o.url = base + "/" + url_encode(r.ticket_id);
  }
  w.EndObject();
  o.body.assign(sb.GetString(), sb.GetSize());
  o.headers.push_back({"Content-Type", "application/json"});
  if (idempotency_keys && !r.correlation_id.empty())
    o.headers.push_back({"Idempotency-Key", r.correlation_id});
  return o;
}

} // namespace usms::bench
