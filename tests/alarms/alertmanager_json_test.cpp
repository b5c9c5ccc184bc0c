// Alertmanager webhook payloads (version 4) read into alarm events.

#include <catch2/catch.hpp>

#include "alarms/alarm_key.hpp"
#include "api/alertmanager_json.hpp"

using namespace usms;
using namespace usms::api;

namespace {

constexpr int64_t now = 1'772'323'200'000;

// As Alertmanager 0.25 sends it: two alerts of one group, one resolved.
constexpr std::string_view two_alerts = R"({
  "receiver": "usms-gateway",
  "status": "firing",
  "alerts": [
    {
      "status": "firing",
      "labels": {"alertname": "NodeDown", "instance": "olt-17:9100",
                 "job": "node", "severity": "critical"},
      "annotations": {"summary": "olt-17 is down",
                      "description": "No scrape for 5m.\nCheck power."},
      "startsAt": "2026-03-01T09:52:26.739Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prometheus:9090/graph?g0.expr=up+%3D%3D+0",
      "fingerprint": "1a30ba71cca2921f"
    },
    {
      "status": "resolved",
      "labels": {"alertname": "NodeDown", "instance": "olt-18:9100",
                 "job": "node", "severity": "warning"},
      "annotations": {"summary": "olt-18 is down"},
      "startsAt": "2026-03-01T09:40:00Z",
      "endsAt": "2026-03-01T09:55:00Z",
      "generatorURL": "http://prometheus:9090/graph",
      "fingerprint": "bc97ff14869b13e3"
    }
  ],
  "groupLabels": {"alertname": "NodeDown"},
  "commonLabels": {"alertname": "NodeDown", "job": "node"},
  "commonAnnotations": {},
  "externalURL": "http://alertmanager:9093",
  "version": "4",
  "groupKey": "{}/{severity=~\"critical|warning\"}:{alertname=\"NodeDown\"}",
  "truncatedAlerts": 0
})";

config::alertmanager_settings by_group() {
  config::alertmanager_settings s;
  s.key = "group";
  return s;
}

alertmanager_notification read(std::string_view body,
                               const config::alertmanager_settings& s = {}) {
  auto r = parse_alertmanager(body, s, now);
  if (auto* e = std::get_if<api_error>(&r))
    FAIL("refused: " << e->field << ": " << e->message);
  return std::get<alertmanager_notification>(r);
}

api_error refused(std::string_view body,
                  const config::alertmanager_settings& s = {}) {
  auto r = parse_alertmanager(body, s, now);
  REQUIRE(std::holds_alternative<api_error>(r));
  return std::get<api_error>(r);
}

/// A payload of one alert with these labels and annotations (JSON text).
std::string one_alert(const std::string& labels, const std::string& annotations,
                      const std::string& status = "firing") {
  return R"({"version": "4", "status": ")" + status
         + R"(", "receiver": "r", "groupKey": "{}:{}", "alerts": [{"status": ")"
         + status + R"(", "labels": )" + labels + R"(, "annotations": )"
         + annotations + R"(, "fingerprint": "f00d"}]})";
}

} // namespace

TEST_CASE("by fingerprint each alert is one alarm", "[alarms][alertmanager]") {
  auto n = read(two_alerts);
  CHECK(n.receiver == "usms-gateway");
  CHECK(n.truncated_alerts == 0);
  REQUIRE(n.events.size() == 2);
  auto& a = n.events[0];
  CHECK(a.key == "am:1a30ba71cca2921f");
  CHECK(a.signal == alarm_signal::firing);
  CHECK(a.type == ticket_type::incident);
  CHECK(a.fields
        == ticket_fields{{"Summary", "olt-17 is down"},
                         {"Description", "No scrape for 5m.\nCheck power."},
                         {"ConfigurationItem", "olt-17:9100"},
                         {"Priority", "1"}});
  CHECK(a.source == "alertmanager");
  CHECK(a.reply_to.empty());
  CHECK(a.at == now);
  auto& b = n.events[1];
  CHECK(b.key == "am:bc97ff14869b13e3");
  CHECK(b.signal == alarm_signal::cleared);
  CHECK(b.fields.at("Priority") == "3");
  CHECK(b.fields.count("Description") == 0); // no description annotation
}

TEST_CASE("by group the notification is one alarm", "[alarms][alertmanager]") {
  auto n = read(two_alerts, by_group());
  REQUIRE(n.events.size() == 1);
  auto& e = n.events[0];
  CHECK(e.key
        == "am:{}/{severity=~\"critical|warning\"}:{alertname=\"NodeDown\"}");
  CHECK(e.signal == alarm_signal::firing);
  // Common annotations have no summary: the alert name stands in.
  CHECK(e.fields.at("Summary") == "NodeDown");
  // The instances differ, so there is no common configuration item.
  CHECK(e.fields.count("ConfigurationItem") == 0);
  // The most urgent of the group's alerts.
  CHECK(e.fields.at("Priority") == "1");
}

TEST_CASE("by group a resolved notification clears the alarm",
          "[alarms][alertmanager]") {
  auto n
      = read(one_alert(R"({"alertname": "X"})", "{}", "resolved"), by_group());
  REQUIRE(n.events.size() == 1);
  CHECK(n.events[0].key == "am:{}:{}");
  CHECK(n.events[0].signal == alarm_signal::cleared);
}

TEST_CASE("a group key over 512 bytes is hashed", "[alarms][alertmanager]") {
  std::string group_key = "{}:{alertname=\"" + std::string(600, 'x') + "\"}";
  auto body = R"({"version": "4", "status": "firing", "groupKey": ")"
              + std::string{"{}:{alertname=\\\""} + std::string(600, 'x')
              + R"(\"}", "alerts": []})";
  auto n = read(body, by_group());
  REQUIRE(n.events.size() == 1);
  CHECK(n.events[0].key == "am:h:" + alarms::short_hash(group_key));
  CHECK(n.events[0].key.size() == 37);
  CHECK(n.events[0].fields.at("Summary") == n.events[0].key);
  CHECK(n.events[0].fields.at("Priority") == "3");
}

TEST_CASE("templates and the severity table come from the settings",
          "[alarms][alertmanager]") {
  config::alertmanager_settings s;
  s.summary = "[{{ labels.severity }}] {{ labels.alertname }} on "
              "{{ labels.instance }}";
  s.description = "{{ annotations.runbook }}";
  s.configuration_item = "{{ labels.node }}";
  s.priority = {{"page", 1}, {"ticket", 4}};
  s.default_priority = 5;
  auto n = read(one_alert(R"({"alertname": "LOS", "instance": "olt-3",
                              "severity": "ticket", "node": "n3"})",
                          R"({"runbook": "https://wiki/los"})"),
                s);
  CHECK(n.events[0].fields
        == ticket_fields{{"Summary", "[ticket] LOS on olt-3"},
                         {"Description", "https://wiki/los"},
                         {"ConfigurationItem", "n3"},
                         {"Priority", "4"}});
  n = read(one_alert(R"({"alertname": "LOS", "severity": "critical"})", "{}"),
           s);
  CHECK(n.events[0].fields.at("Priority") == "5"); // not in this table
}

TEST_CASE("missing annotations and labels", "[alarms][alertmanager]") {
  auto n = read(R"({"version": "4", "status": "firing", "alerts": [
    {"status": "firing", "labels": {"alertname": "Bare"},
     "fingerprint": "0001"}]})");
  REQUIRE(n.events.size() == 1);
  CHECK(n.events[0].fields
        == ticket_fields{{"Summary", "Bare"}, {"Priority", "3"}});
  // No alertname either: the key names the ticket.
  n = read(R"({"version": "4", "status": "firing", "alerts": [
    {"status": "firing", "fingerprint": "0002"}]})");
  CHECK(n.events[0].fields.at("Summary") == "am:0002");
  // A summary that renders blank counts as none.
  n = read(one_alert(R"({"alertname": "A"})", R"({"summary": "  "})"));
  CHECK(n.events[0].fields.at("Summary") == "A");
}

TEST_CASE("hostile values become U+FFFD, not refusals",
          "[alarms][alertmanager]") {
  auto n = read(
      one_alert(R"({"alertname": "A", "instance": "x\u0001y"})",
                R"({"summary": "bell\u0007", "description": "ok\ttab"})"));
  auto& f = n.events[0].fields;
  CHECK(f.at("Summary") == "bell\xEF\xBF\xBD");
  CHECK(f.at("ConfigurationItem") == "x\xEF\xBF\xBDy");
  CHECK(f.at("Description") == "ok\ttab");
  // Bytes that are not UTF-8 make text that is not JSON: refused like any
  // such body (Alertmanager, written in Go, never sends them).
  auto e = refused(
      one_alert("{\"alertname\": \"A\"}", "{\"summary\": \"caf\xE9\"}"));
  CHECK(e.status == 400);
  CHECK(e.code == "malformed_json");
  CHECK(e.message.find("not valid UTF-8") != std::string::npos);
}

TEST_CASE("huge values are kept whole", "[alarms][alertmanager]") {
  std::string big(200'000, 'd');
  auto n = read(one_alert(R"({"alertname": "A"})",
                          R"({"description": ")" + big + R"("})"));
  CHECK(n.events[0].fields.at("Description") == big);
}

TEST_CASE("a hostile fingerprint still names one alarm",
          "[alarms][alertmanager]") {
  std::string fp(600, 'f');
  auto body = R"({"version": "4", "status": "firing", "alerts": [
    {"status": "firing", "labels": {"alertname": "A"}, "fingerprint": ")"
              + fp + R"("},
    {"status": "firing", "labels": {"alertname": "A"},
     "fingerprint": "a\u0000b"}]})";
  auto n = read(body);
  REQUIRE(n.events.size() == 2);
  CHECK(n.events[0].key == "am:h:" + alarms::short_hash(fp));
  CHECK(n.events[1].key
        == "am:h:" + alarms::short_hash(std::string{"a\0b", 3}));
}

TEST_CASE("payloads Alertmanager would not send are refused",
          "[alarms][alertmanager]") {
  auto field
      = [](std::string_view body, const config::alertmanager_settings& s = {}) {
          auto e = refused(body, s);
          CHECK(e.status == 400);
          return e.field;
        };
  CHECK(refused("not json").code == "malformed_json");
  CHECK(field(R"({"status": "firing", "alerts": []})") == "version");
  CHECK(field(R"({"version": "3", "status": "firing", "alerts": []})")
        == "version");
  CHECK(field(R"({"version": 4, "status": "firing", "alerts": []})")
        == "version");
  CHECK(field(R"({"version": "4", "status": "pending", "alerts": []})")
        == "status");
  CHECK(field(R"({"version": "4", "status": "firing"})") == "alerts");
  CHECK(field(R"({"version": "4", "status": "firing", "alerts": [1]})")
        == "alerts[0]");
  CHECK(field(R"({"version": "4", "status": "firing", "alerts": [
    {"status": "firing", "fingerprint": "a"},
    {"status": "silenced", "fingerprint": "b"}]})")
        == "alerts[1].status");
  CHECK(field(R"({"version": "4", "status": "firing", "alerts": [
    {"status": "firing"}]})")
        == "alerts[0].fingerprint");
  CHECK(field(R"({"version": "4", "status": "firing", "alerts": [
    {"status": "firing", "fingerprint": ""}]})")
        == "alerts[0].fingerprint");
  CHECK(field(R"({"version": "4", "status": "firing", "alerts": [
    {"status": "firing", "fingerprint": "a", "labels": {"severity": 1}}]})")
        == "alerts[0].labels.severity");
  CHECK(field(R"({"version": "4", "status": "firing", "alerts": [
    {"status": "firing", "fingerprint": "a", "annotations": []}]})")
        == "alerts[0].annotations");
  CHECK(field(R"({"version": "4", "status": "firing", "alerts": [],
                  "truncatedAlerts": -1})")
        == "truncatedAlerts");
  CHECK(
      field(R"({"version": "4", "status": "firing", "alerts": []})", by_group())
      == "groupKey");
}

TEST_CASE("keys Alertmanager adds later are accepted",
          "[alarms][alertmanager]") {
  auto n = read(R"({"version": "4", "status": "firing", "orgId": 1,
    "alerts": [{"status": "firing", "fingerprint": "ab",
                "silenceURL": "http://x", "values": {"B": 1.5}}],
    "truncatedAlerts": 3})");
  CHECK(n.events.size() == 1);
  CHECK(n.truncated_alerts == 3);
}

TEST_CASE("a bad template in the settings is the gateway's fault",
          "[alarms][alertmanager]") {
  config::alertmanager_settings s;
  s.summary = "{{ .Labels.x }}";
  auto e = refused(two_alerts, s);
  CHECK(e.status == 500);
  CHECK(e.message.rfind("alertmanager.summary: ", 0) == 0);
}
