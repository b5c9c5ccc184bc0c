#include "bench/storm/storm_probes.hpp"

#include <cstdlib>
#include <future>
#include <sstream>
#include <string_view>

#include <rapidjson/document.h>

namespace usms::bench {

http::outcome blocking_call(http::client& c, const std::string& method,
                            const std::string& url, std::string body,
                            std::chrono::milliseconds timeout) {
  std::promise<http::outcome> p;
  auto f = p.get_future();
  http::outgoing req;
  req.method = method;
  req.url = url;
  req.timeout = timeout;
  if (!body.empty())
    req.headers.push_back({"Content-Type", "application/json"});
  req.body = std::move(body);
  c.send(std::move(req), [&p](http::outcome o) { p.set_value(std::move(o)); });
  return f.get();
}

bool ok_200(const http::outcome& o) {
  return o.failure == http::failure_kind::none && o.status == 200;
}

namespace {

/// A metric summed over its series, and the counter it goes into.
struct summed_metric {
  const char* name;
  int64_t gateway_counters::*counter;
};

constexpr summed_metric summed_metrics[] = {
  {"usms_gateway_requests_accepted_total", &gateway_counters::accepted},
  {"usms_gateway_requests_total", &gateway_counters::finished},
  {"usms_gateway_queue_depth", &gateway_counters::queue},
  {"usms_gateway_retries_total", &gateway_counters::retries},
  {"usms_gateway_lookups_total", &gateway_counters::lookups},
  {"usms_gateway_requests_held", &gateway_counters::held},
  {"usms_gateway_soap_calls_total", &gateway_counters::soap_calls},
  {"usms_gateway_soap_in_flight", &gateway_counters::soap_in_flight},
};

} // namespace

gateway_counters parse_metrics(const std::string& text) {
  gateway_counters c;
  std::istringstream in{text};
  std::string line;
  auto value = [](const std::string& l) {
    auto sp = l.rfind(' ');
    return sp == std::string::npos ? 0
                                   : static_cast<int64_t>(
                                     std::strtod(l.c_str() + sp + 1, nullptr));
  };
  // The line is a series of metric `name`: the name, then labels or the value.
  auto of = [&](std::string_view name) {
    return line.compare(0, name.size(), name) == 0 && line.size() > name.size()
           && (line[name.size()] == '{' || line[name.size()] == ' ');
  };
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    for (auto& m : summed_metrics)
      if (of(m.name)) {
        c.*m.counter += value(line);
        break;
      }
    if (of("usms_gateway_usms_state") && value(line) == 1) {
      static constexpr std::string_view label = "{state=\"";
      auto from = line.find(label);
      if (from != std::string::npos) {
        from += label.size();
        c.usms_state = line.substr(from, line.find('"', from) - from);
      }
    }
  }
  c.ok = true;
  return c;
}

namespace {

/// The simulator's GET /admin/stats as a parsed document; false when it
/// cannot be read.
bool sim_stats(http::client& c, const std::string& sim,
               rapidjson::Document& d) {
  auto o = blocking_call(c, "GET", sim + "/admin/stats", {},
                         std::chrono::seconds(60));
  if (!ok_200(o))
    return false;
  d.Parse(o.body.c_str());
  return !d.HasParseError() && d.IsObject();
}

} // namespace

bool sim_calls(http::client& c, const std::string& sim, sim_call_counts& out) {
  rapidjson::Document d;
  if (!sim_stats(c, sim, d))
    return false;
  out = {};
  auto calls = d.FindMember("calls");
  if (calls != d.MemberEnd() && calls->value.IsObject())
    for (auto& e : calls->value.GetObject())
      out.calls += e.value.GetInt64();
  auto faults = d.FindMember("faults_injected");
  if (faults != d.MemberEnd() && faults->value.IsObject()) {
    auto down = faults->value.FindMember("down");
    if (down != faults->value.MemberEnd() && down->value.IsInt64())
      out.down_faults = down->value.GetInt64();
  }
  return true;
}

bool sim_creates(http::client& c, const std::string& sim,
                 creates_by_reference& out) {
  rapidjson::Document d;
  if (!sim_stats(c, sim, d))
    return false;
  auto m = d.FindMember("creates_by_external_reference");
  if (m == d.MemberEnd() || !m->value.IsObject())
    return false;
  out.clear();
  out.reserve(m->value.MemberCount());
  for (auto& e : m->value.GetObject())
    out[e.name.GetString()] = e.value.GetInt64();
  return true;
}

} // namespace usms::bench
