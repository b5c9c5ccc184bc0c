#include "bench/storm/storm_probes.hpp"

#include <cstdlib>
#include <future>
#include <sstream>

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
  auto starts = [&](const char* p) { return line.rfind(p, 0) == 0; };
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    if (starts("usms_gateway_requests_accepted_total"))
      c.accepted += value(line);
    else if (starts("usms_gateway_requests_total"))
      c.finished += value(line);
    else if (starts("usms_gateway_queue_depth"))
      c.queue += value(line);
    else if (starts("usms_gateway_retries_total"))
      c.retries += value(line);
    else if (starts("usms_gateway_lookups_total"))
      c.lookups += value(line);
  }
  c.ok = true;
  return c;
}

bool sim_creates(http::client& c, const std::string& sim,
                 creates_by_reference& out) {
  auto o = blocking_call(c, "GET", sim + "/admin/stats", {},
                         std::chrono::seconds(60));
  if (!ok_200(o))
    return false;
  rapidjson::Document d;
  d.Parse(o.body.c_str());
  if (d.HasParseError() || !d.IsObject())
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
