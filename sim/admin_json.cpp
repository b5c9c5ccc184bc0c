#include "sim/admin_json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <utility>

#include "common/json_parse.hpp"

namespace usms::sim {

namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

void key(writer& w, std::string_view k) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}

void counter_object(writer& w, const std::map<std::string, uint64_t>& m) {
  w.StartObject();
  for (const auto& [name, n] : m) {
    key(w, name);
    w.Uint64(n);
  }
  w.EndObject();
}

} // namespace

std::string faults_to_json(const fault_settings& s) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  key(w, "latency_ms");
  w.Double(s.latency_ms);
  key(w, "latency_jitter_ms");
  w.Double(s.latency_jitter_ms);
  key(w, "server_fault_rate");
  w.Double(s.server_fault_rate);
  key(w, "unavailable_rate");
  w.Double(s.unavailable_rate);
  key(w, "retry_after_s");
  w.Int(s.retry_after_s);
  key(w, "reset_after_create_rate");
  w.Double(s.reset_after_create_rate);
  key(w, "hang_after_create_rate");
  w.Double(s.hang_after_create_rate);
  key(w, "hang_for_s");
  w.Double(s.hang_for_s);
  key(w, "server_fault_code");
  w.String(s.server_fault_code.c_str());
  key(w, "server_fault_next");
  w.Uint64(s.server_fault_next);
  key(w, "unavailable_next");
  w.Uint64(s.unavailable_next);
  key(w, "reset_after_create_next");
  w.Uint64(s.reset_after_create_next);
  key(w, "hang_after_create_next");
  w.Uint64(s.hang_after_create_next);
  key(w, "down");
  w.Bool(s.down);
  w.EndObject();
  return buf.GetString();
}

result<fault_settings> apply_faults_json(std::string_view body,
                                         fault_settings s) {
  rapidjson::Document doc;
  if (auto e = parse_json(body, doc))
    return failure{"the body is " + e->message, "bad_request"};
  if (!doc.IsObject())
    return failure{"the body must be a JSON object", "bad_request"};
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    const auto& v = it->value;
    auto bad = [&](const std::string& why) {
      return failure{name + " " + why, "bad_request"};
    };
    auto number = [&](double& out, double lo, double hi) -> std::string {
      if (!v.IsNumber())
        return "must be a number";
      double x = v.GetDouble();
      if (!std::isfinite(x) || x < lo || x > hi)
        return "must be within " + std::to_string(lo) + ".."
               + std::to_string(hi);
      out = x;
      return {};
    };
    auto count = [&](uint64_t& out) -> std::string {
      if (!v.IsUint64())
        return "must be a non-negative integer";
      out = v.GetUint64();
      return {};
    };
    std::string err;
    constexpr double day_ms = 86400000.0;
    if (name == "latency_ms")
      err = number(s.latency_ms, 0, day_ms);
    else if (name == "latency_jitter_ms")
      err = number(s.latency_jitter_ms, 0, day_ms);
    else if (name == "server_fault_rate")
      err = number(s.server_fault_rate, 0, 1);
    else if (name == "server_fault_code") {
      if (!v.IsString() || v.GetStringLength() == 0
          || v.GetStringLength() > 64)
        err = "must be an error code such as UNAVAILABLE or INTERNAL";
      else
        s.server_fault_code = v.GetString();
    }
    else if (name == "unavailable_rate")
      err = number(s.unavailable_rate, 0, 1);
    else if (name == "reset_after_create_rate")
      err = number(s.reset_after_create_rate, 0, 1);
    else if (name == "hang_after_create_rate")
      err = number(s.hang_after_create_rate, 0, 1);
    else if (name == "hang_for_s")
      err = number(s.hang_for_s, 0, 86400);
    else if (name == "retry_after_s") {
      if (!v.IsInt() || v.GetInt() < 0)
        err = "must be a non-negative integer";
      else
        s.retry_after_s = v.GetInt();
    } else if (name == "server_fault_next")
      err = count(s.server_fault_next);
    else if (name == "unavailable_next")
      err = count(s.unavailable_next);
    else if (name == "reset_after_create_next")
      err = count(s.reset_after_create_next);
    else if (name == "hang_after_create_next")
      err = count(s.hang_after_create_next);
    else if (name == "down") {
      if (!v.IsBool())
        err = "must be true or false";
      else
        s.down = v.GetBool();
    } else
      return failure{"unknown key " + name, "bad_request"};
    if (!err.empty())
      return bad(err);
  }
  return s;
}

std::string stats_to_json(const stats_snapshot& stats) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  key(w, "calls");
  counter_object(w, stats.calls);
  key(w, "creates_by_external_reference");
  counter_object(w, stats.creates_by_external_reference);
  key(w, "tickets");
  w.Uint64(stats.tickets);
  key(w, "faults_injected");
  w.StartObject();
  key(w, "down");
  w.Uint64(stats.faults.down);
  key(w, "server_fault");
  w.Uint64(stats.faults.server_fault);
  key(w, "unavailable");
  w.Uint64(stats.faults.unavailable);
  key(w, "reset_after_create");
  w.Uint64(stats.faults.reset_after_create);
  key(w, "hang_after_create");
  w.Uint64(stats.faults.hang_after_create);
  w.EndObject();
  key(w, "in_flight");
  w.Uint64(stats.in_flight);
  key(w, "peak_concurrency");
  w.Uint64(stats.peak_concurrency);
  w.EndObject();
  return buf.GetString();
}

std::string error_json(std::string_view message) {
  rapidjson::StringBuffer buf;
  writer w(buf);
  w.StartObject();
  key(w, "error");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  return buf.GetString();
}

http::response json_response(unsigned status, std::string body) {
  http::response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

} // namespace usms::sim
