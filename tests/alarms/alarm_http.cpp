#include "tests/alarms/alarm_http.hpp"

#include <catch2/catch.hpp>

#include <cstdio>

namespace usms::test {

std::string encode_key(const std::string& key) {
  std::string out;
  for (unsigned char c : key) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string alarm_body(const std::string& key, const std::string& state,
                       const std::string& type, const std::string& summary) {
  std::string body = "{\"key\": " + json_quote(key) + ", \"state\": "
                     + json_quote(state) + ", \"type\": " + json_quote(type);
  if (state == "firing")
    body += ", \"fields\": {\"summary\": " + json_quote(summary)
            + ", \"priority\": 2, \"configuration_item\": \"olt-17\"}";
  return body + "}";
}

rapidjson::Document post_alarm(gateway_stack& env, const std::string& key,
                               const std::string& state,
                               const std::string& type) {
  return env.json("POST", "/api/v1/alarms", alarm_body(key, state, type),
                  202);
}

rapidjson::Document get_alarm(gateway_stack& env, const std::string& key) {
  return env.json("GET", "/api/v1/alarms/" + encode_key(key));
}

rapidjson::Document
wait_alarm(gateway_stack& env, const std::string& key,
           const std::function<bool(const rapidjson::Value&)>& pred,
           const std::string& what, std::chrono::milliseconds timeout) {
  rapidjson::Document last;
  std::string text;
  bool ok = wait_until(
    [&] {
      auto r = env.call("GET", "/api/v1/alarms/" + encode_key(key));
      text = r.body;
      if (r.status != 200)
        return false;
      last = parse_json(r.body);
      return pred(last);
    },
    timeout);
  INFO("alarm " << key << ": " << text << "\ngateway output:\n"
                << env.gateway().output());
  if (!ok)
    FAIL("alarm " << key << " never " << what);
  return last;
}

std::string wait_ticket(gateway_stack& env, const std::string& key) {
  auto a = wait_alarm(
    env, key, [](auto& a) { return a["ticket_id"].IsString(); },
    "got a ticket");
  return json_string(a, "ticket_id");
}

rapidjson::Document sim_ticket(gateway_stack& env, const std::string& id) {
  auto r = env.sim_call("GET", "/admin/tickets/" + id);
  INFO("GET /admin/tickets/" << id << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
  return parse_json(r.body);
}

std::string sim_status(gateway_stack& env, const std::string& id) {
  auto t = sim_ticket(env, id);
  return json_string(t["ticket"], "Status");
}

void wait_sim_status(gateway_stack& env, const std::string& id,
                     const std::string& status) {
  std::string seen;
  bool ok = wait_until(
    [&] {
      seen = sim_status(env, id);
      return seen == status;
    },
    std::chrono::seconds(15));
  INFO("ticket " << id << " is " << seen << "\ngateway output:\n"
                 << env.gateway().output());
  CHECK(ok);
  REQUIRE(seen == status);
}

void set_sim_status(gateway_stack& env, const std::string& id,
                    const std::string& status) {
  auto r = env.sim_call("PUT", "/admin/tickets/" + id,
                        "{\"status\": " + json_quote(status)
                          + ", \"work_note\": \"done by a person\"}");
  INFO("PUT /admin/tickets/" << id << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
}

int64_t rows_with_cause(gateway_stack& env, const std::string& cause) {
  auto doc = env.json("GET", "/api/v1/status?limit=1&cause=" + cause);
  return json_int(doc, "total");
}

void wait_idle(gateway_stack& env, std::chrono::milliseconds timeout) {
  int64_t left = -1;
  bool ok = wait_until(
    [&] {
      auto r = env.call("GET", "/api/v1/requests?limit=1");
      if (r.status != 200)
        return false;
      left = json_int(parse_json(r.body), "total");
      return left == 0;
    },
    timeout);
  INFO(left << " request(s) unfinished\ngateway output:\n"
            << env.gateway().output());
  REQUIRE(ok);
}

} // namespace usms::test
