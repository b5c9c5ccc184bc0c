#include "bench/storm/storm_file.hpp"

#include <cmath>
#include <istream>
#include <random>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace usms::bench {

namespace {

using writer_type = rapidjson::Writer<rapidjson::StringBuffer>;

failure bad(const std::string& what) { return failure{what, "storm"}; }

bool valid_choice(const std::string& v, std::initializer_list<const char*> ok) {
  for (auto* o : ok)
    if (v == o)
      return true;
  return false;
}

void put(writer_type& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// Alarm texts of a network outage: a few kinds, many items.
const char* const alarm_kinds[] = {
  "Node down", "Link down", "BGP session lost", "Power supply failure",
  "High CPU", "Interface flapping", "Loss of signal", "Fan failure"};

} // namespace

usms::result<storm_request> parse_storm_line(const std::string& line) {
  rapidjson::Document d;
  d.Parse(line.data(), line.size());
  if (d.HasParseError() || !d.IsObject())
    return bad("not a JSON object");
  storm_request r;
  auto text = [&](const char* key, std::string& out, bool required) -> bool {
    auto m = d.FindMember(key);
    if (m == d.MemberEnd() || m->value.IsNull())
      return !required;
    if (!m->value.IsString())
      return false;
    out.assign(m->value.GetString(), m->value.GetStringLength());
    return true;
  };
  auto at = d.FindMember("at_ms");
  if (at == d.MemberEnd() || !at->value.IsNumber() || at->value.GetDouble() < 0)
    return bad("at_ms must be a number >= 0");
  r.at_ms = at->value.GetDouble();
  if (!text("action", r.action, true)
      || !valid_choice(r.action, {"create", "update", "query"}))
    return bad("action must be create, update or query");
  if (!text("type", r.type, true)
      || !valid_choice(r.type, {"incident", "change", "problem"}))
    return bad("type must be incident, change or problem");
  if (!text("source", r.source, false))
    return bad("source must be a string");
  if (!text("correlation_id", r.correlation_id, false))
    return bad("correlation_id must be a string");
  if (!text("ticket_id", r.ticket_id, r.action == "update"))
    return bad("an update needs ticket_id");
  auto f = d.FindMember("fields");
  if (f == d.MemberEnd() || !f->value.IsObject())
    return bad("fields must be an object");
  rapidjson::StringBuffer sb;
  writer_type w{sb};
  f->value.Accept(w);
  r.fields.assign(sb.GetString(), sb.GetSize());
  return r;
}

std::string storm_line(const storm_request& r) {
  rapidjson::StringBuffer sb;
  writer_type w{sb};
  w.StartObject();
  w.Key("at_ms");
  // Whole milliseconds print without a fraction; finer offsets keep 3 digits.
  double ms = std::round(r.at_ms * 1000) / 1000;
  if (ms == std::floor(ms))
    w.Int64(static_cast<int64_t>(ms));
  else
    w.Double(ms);
  put(w, "action", r.action);
  put(w, "type", r.type);
  if (!r.ticket_id.empty())
    put(w, "ticket_id", r.ticket_id);
  w.Key("fields");
  w.RawValue(r.fields.data(), r.fields.size(), rapidjson::kObjectType);
  if (!r.source.empty())
    put(w, "source", r.source);
  if (!r.correlation_id.empty())
    put(w, "correlation_id", r.correlation_id);
  w.EndObject();
  return {sb.GetString(), sb.GetSize()};
}

usms::result<std::vector<storm_request>> read_storm(std::istream& in) {
  std::vector<storm_request> out;
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    auto r = parse_storm_line(line);
    if (!r)
      return bad("line " + std::to_string(n) + ": " + r.error().message);
    out.push_back(std::move(*r));
  }
  return out;
}

usms::result<std::vector<storm_request>> generate_storm(const shape_options& o) {
  if (o.count < 1)
    return bad("count must be at least 1");
  if (o.items < 1)
    return bad("items must be at least 1");
  bool paced = o.shape == "steady" || o.shape == "ramp";
  if (!paced && o.shape != "burst" && o.shape != "outage")
    return bad("shape must be steady, burst, ramp or outage");
  if (paced && (o.rate <= 0 || (o.shape == "ramp" && o.rate_from <= 0)))
    return bad("rates must be above 0");
  std::mt19937_64 rng{o.seed};
  std::string prefix = o.prefix.empty() ? o.shape : o.prefix;
  std::vector<storm_request> out;
  out.reserve(static_cast<size_t>(o.count));
  double at = 0;
  for (int i = 0; i < o.count; ++i) {
    storm_request r;
    if (o.shape == "steady") {
      at = i * 1000.0 / o.rate;
    } else if (o.shape == "ramp") {
      // The rate grows linearly from rate_from to rate over the storm.
      double rate = o.rate_from + (o.rate - o.rate_from) * i / o.count;
      if (i > 0)
        at += 1000.0 / rate;
    }
    r.at_ms = at;
    r.action = "create";
    r.type = "incident";
    // An outage: items fail in a skewed way, the first ones most often.
    int item = static_cast<int>(
      std::pow(std::uniform_real_distribution<double>{0, 1}(rng), 2.0)
      * o.items);
    const char* kind = alarm_kinds[rng() % std::size(alarm_kinds)];
    int priority = 1 + static_cast<int>(rng() % 4);
    char ci[32];
    std::snprintf(ci, sizeof ci, "ne-%05d", item);
    rapidjson::StringBuffer sb;
    writer_type w{sb};
    w.StartObject();
    put(w, "summary", std::string{kind} + " on " + ci);
    w.Key("priority");
    w.Int(priority);
    put(w, "category", "Network");
    put(w, "assignment_group", "NOC-L2");
    put(w, "configuration_item", ci);
    w.EndObject();
    r.fields.assign(sb.GetString(), sb.GetSize());
    r.source = "nms-" + std::to_string(item % 4);
    char id[64];
    std::snprintf(id, sizeof id, "%s-%llu-%06d", prefix.c_str(),
                  static_cast<unsigned long long>(o.seed), i);
    r.correlation_id = id;
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace usms::bench
