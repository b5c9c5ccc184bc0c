// /metrics parses as Prometheus text, its counters move as requests flow,
// and the process metrics and build info describe the running gateway.

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <unistd.h>

#include "tests/service/prom_text.hpp"
#include "tests/support/gateway_stack.hpp"

namespace {

using usms::test::gateway_stack;
using usms::test::json_int;
using usms::test::json_string;
using usms::test::parse_json;
using usms::test::parse_prometheus;
using usms::test::prom_text;

/// GET /metrics, checked for format; fails the test on any problem.
prom_text scrape(gateway_stack& stack) {
  auto r = stack.call("GET", "/metrics");
  REQUIRE(r.status == 200);
  auto type = usms::http::find_header(r.headers, "Content-Type");
  CHECK(type.substr(0, 10) == "text/plain");
  CHECK(type.find("version=0.0.4") != std::string_view::npos);
  auto text = parse_prometheus(r.body);
  INFO("problems: " << Catch::Detail::stringify(text.errors) << "\n"
                    << r.body);
  REQUIRE(text.errors.empty());
  REQUIRE_FALSE(text.samples.empty());
  // The gateway's own names, and the standard process metrics unprefixed.
  auto named_well = [](const std::string& name) {
    return name.rfind("usms_gateway_", 0) == 0
           || name.rfind("process_", 0) == 0;
  };
  for (auto& s : text.samples) {
    INFO(s.name);
    CHECK(named_well(s.name));
  }
  for (auto& [family, kind] : text.types) {
    INFO(family);
    CHECK(named_well(family));
    CHECK(text.help.count(family) == 1);
  }
  return text;
}

int64_t status_entries(gateway_stack& stack) {
  return json_int(stack.json("GET", "/api/v1/status?limit=1"), "entries");
}

} // namespace

TEST_CASE("the Prometheus reader finds what is wrong", "[metrics][unit]") {
  auto good = parse_prometheus(
    "# HELP a_total Things.\n# TYPE a_total counter\n"
    "a_total{x=\"1\",y=\"q\\\"uote\"} 3\na_total{x=\"2\"} 4 1700000000000\n"
    "# a comment\n\n"
    "# HELP h Latency.\n# TYPE h histogram\n"
    "h_bucket{le=\"0.1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 0.3\nh_count 2\n");
  INFO(Catch::Detail::stringify(good.errors));
  CHECK(good.errors.empty());
  CHECK(good.sum("a_total") == 7);
  CHECK(good.sum("a_total", {{"x", "2"}}) == 4);
  CHECK(good.samples[0].labels.at("y") == "q\"uote");
  CHECK(good.types.at("h") == "histogram");

  for (const char* bad :
       {"x 1\n",                                    // no TYPE
        "# TYPE x gauge\nx one\n",                  // bad value
        "# TYPE x gauge\nx{a=1} 1\n",               // unquoted label
        "# TYPE x gauge\nx{a=\"1\" 1\n",            // unterminated labels
        "# TYPE x gauge\n1x 1\n",                   // bad name
        "# TYPE x gauge\nx 1\nx 2\n",               // repeated series
        "# TYPE x gauge\n# TYPE x gauge\nx 1\n",    // TYPE twice
        "# TYPE x gauge\n# TYPE y gauge\nx{a=\"1\"} 1\ny 1\nx{a=\"2\"} 1\n",
        "# TYPE x gauge\nx 1",                      // no final newline
        "# TYPE x wobble\nx 1\n",                   // unknown type
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
        "h_count 1\nh_sum 0\n",                     // not cumulative
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\nh_sum 0\n"}) {
    INFO(bad);
    CHECK_FALSE(parse_prometheus(bad).errors.empty());
  }
}

TEST_CASE("/metrics is Prometheus text and its counters move as requests "
          "flow",
          "[metrics][http]") {
  gateway_stack stack;
  auto before = scrape(stack);
  for (const char* family :
       {"usms_gateway_status_entries", "usms_gateway_requests_total",
        "usms_gateway_requests_accepted_total", "usms_gateway_retries_total",
        "usms_gateway_lookups_total", "usms_gateway_alarm_events_total",
        "usms_gateway_queue_depth",
        "usms_gateway_soap_in_flight", "usms_gateway_soap_calls_total",
        "usms_gateway_soap_call_duration_seconds",
        "usms_gateway_reply_deliveries_total"}) {
    INFO(family);
    CHECK(before.types.count(family) == 1);
  }
  CHECK(before.types.at("usms_gateway_status_entries") == "gauge");
  CHECK(before.types.at("usms_gateway_requests_total") == "counter");
  CHECK(before.types.at("usms_gateway_soap_call_duration_seconds")
        == "histogram");
  CHECK(before.sum("usms_gateway_status_entries") == status_entries(stack));

  const std::map<std::string, std::string> created{
    {"action", "create"}, {"type", "incident"}, {"outcome", "succeeded"}};
  const std::map<std::string, std::string> create_call{
    {"operation", "CreateTicket"}};

  // Three creates.
  std::string ticket;
  for (int i = 0; i < 3; ++i) {
    auto rec = stack.json("POST", "/api/v1/tickets/incident?wait=10",
                          R"({"fields": {"summary": "metrics"}})");
    REQUIRE(json_string(rec, "state") == "succeeded");
    ticket = json_string(rec, "ticket_id");
  }
  auto after = scrape(stack);
  CHECK(after.sum("usms_gateway_requests_total", created)
        == before.sum("usms_gateway_requests_total", created) + 3);
  CHECK(after.sum("usms_gateway_requests_accepted_total",
                  {{"action", "create"}, {"type", "incident"}})
        == before.sum("usms_gateway_requests_accepted_total",
                      {{"action", "create"}, {"type", "incident"}})
             + 3);
  CHECK(after.sum("usms_gateway_soap_calls_total",
                  {{"operation", "CreateTicket"}, {"result", "answer"}})
        == before.sum("usms_gateway_soap_calls_total",
                      {{"operation", "CreateTicket"}, {"result", "answer"}})
             + 3);
  CHECK(after.sum("usms_gateway_soap_calls_total")
        >= before.sum("usms_gateway_soap_calls_total") + 3);
  CHECK(after.sum("usms_gateway_soap_call_duration_seconds_count",
                  create_call)
        == before.sum("usms_gateway_soap_call_duration_seconds_count",
                      create_call)
             + 3);
  CHECK(after.sum("usms_gateway_soap_call_duration_seconds_sum", create_call)
        > before.sum("usms_gateway_soap_call_duration_seconds_sum",
                     create_call));
  CHECK(after.sum("usms_gateway_status_entries")
        == before.sum("usms_gateway_status_entries") + 3);
  CHECK(after.sum("usms_gateway_status_entries") == status_entries(stack));
  CHECK(after.sum("usms_gateway_usms_last_answer_timestamp_seconds") > 0);

  // Two Server faults on an update (outcome unknown: counted, retried),
  // then it succeeds.
  stack.set_faults(R"({"server_fault_next": 2, "server_fault_code": "INTERNAL"})");
  auto rec = stack.json("PATCH",
                        "/api/v1/tickets/incident/" + ticket + "?wait=10",
                        R"({"fields": {"priority": 3}})");
  REQUIRE(json_string(rec, "state") == "succeeded");
  CHECK(json_int(rec, "attempts") == 3);
  auto retried = scrape(stack);
  CHECK(retried.sum("usms_gateway_retries_total")
        == after.sum("usms_gateway_retries_total") + 2);
  CHECK(retried.sum("usms_gateway_soap_calls_total",
                    {{"operation", "UpdateTicket"}, {"result", "fault"}})
        == after.sum("usms_gateway_soap_calls_total",
                     {{"operation", "UpdateTicket"}, {"result", "fault"}})
             + 2);
  CHECK(retried.sum("usms_gateway_requests_total",
                    {{"action", "update"}, {"outcome", "succeeded"}})
        == after.sum("usms_gateway_requests_total",
                     {{"action", "update"}, {"outcome", "succeeded"}})
             + 1);

  // A Client fault fails at once: counted as failed, no retry.
  rec = stack.json("PATCH", "/api/v1/tickets/incident/INC9999999?wait=10",
                   R"({"fields": {"priority": 3}})");
  REQUIRE(json_string(rec, "state") == "failed");
  auto failed = scrape(stack);
  CHECK(failed.sum("usms_gateway_requests_total",
                   {{"action", "update"}, {"type", "incident"},
                    {"outcome", "failed"}})
        == 1);
  CHECK(failed.sum("usms_gateway_retries_total")
        == retried.sum("usms_gateway_retries_total"));
  CHECK(failed.sum("usms_gateway_status_entries") == status_entries(stack));
  CHECK(failed.sum("usms_gateway_status_entries")
        == after.sum("usms_gateway_status_entries") + 2);

  // Nothing is left in flight or queued.
  CHECK(failed.sum("usms_gateway_queue_depth") == 0);
  CHECK(failed.sum("usms_gateway_soap_in_flight") == 0);
}

namespace {

double unix_now() {
  using namespace std::chrono;
  return duration_cast<duration<double>>(
           system_clock::now().time_since_epoch())
    .count();
}

/// The `VmRSS` of /proc/PID/status in bytes.
double resident_bytes_of(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      double kib = 0;
      in >> kib;
      return kib * 1024;
    }
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

double open_fds_of(pid_t pid) {
  double n = 0;
  for (auto& e : std::filesystem::directory_iterator{
         "/proc/" + std::to_string(pid) + "/fd"}) {
    (void)e;
    ++n;
  }
  return n;
}

} // namespace

TEST_CASE("/metrics has the standard process metrics and the build info",
          "[metrics][http]") {
  auto started_before = unix_now();
  gateway_stack stack;
  auto started_after = unix_now();
  auto pid = stack.gateway().pid();
  auto first = scrape(stack);

  for (const char* family :
       {"process_resident_memory_bytes", "process_virtual_memory_bytes",
        "process_open_fds", "process_max_fds", "process_start_time_seconds"}) {
    INFO(family);
    REQUIRE(first.types.count(family) == 1);
    CHECK(first.types.at(family) == "gauge");
  }
  REQUIRE(first.types.count("process_cpu_seconds_total") == 1);
  CHECK(first.types.at("process_cpu_seconds_total") == "counter");

  // Started while the stack was starting (clock ticks: 10 ms; margin for
  // a loaded machine).
  auto start = first.sum("process_start_time_seconds");
  CHECK(start >= started_before - 2);
  CHECK(start <= started_after + 2);

  // The gateway's own figures, as /proc shows them from outside.
  auto rss = first.sum("process_resident_memory_bytes");
  auto outside_rss = resident_bytes_of(pid);
  CHECK(rss > 1024 * 1024);
  CHECK(rss > outside_rss / 2);
  CHECK(rss < outside_rss * 2);
  CHECK(first.sum("process_virtual_memory_bytes") >= rss);
  auto fds = first.sum("process_open_fds");
  CHECK(fds >= 3);
  CHECK(std::abs(fds - open_fds_of(pid)) <= 16);
  CHECK(first.sum("process_max_fds") >= fds);

  // CPU time only grows, and work makes it grow.
  auto cpu = first.sum("process_cpu_seconds_total");
  CHECK(cpu >= 0);
  // (The counter moves in clock ticks: call until one more has passed.)
  auto later = first;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 100; ++i)
      stack.call("GET", "/api/v1/status?limit=50");
    later = scrape(stack);
    if (later.sum("process_cpu_seconds_total") > cpu)
      break;
  }
  CHECK(later.sum("process_cpu_seconds_total") > cpu);
  CHECK(later.sum("process_start_time_seconds") == start);

  // One build_info series, 1, with the project's version.
  REQUIRE(first.types.count("usms_gateway_build_info") == 1);
  CHECK(first.types.at("usms_gateway_build_info") == "gauge");
  int series = 0;
  for (auto& s : first.samples)
    if (s.name == "usms_gateway_build_info") {
      ++series;
      CHECK(s.value == 1);
      REQUIRE(s.labels.count("version") == 1);
      CHECK(s.labels.at("version") == USMS_VERSION);
    }
  CHECK(series == 1);

  // Nothing held while USMS is up.
  CHECK(first.types.at("usms_gateway_oldest_held_request_age_seconds")
        == "gauge");
  CHECK(first.sum("usms_gateway_oldest_held_request_age_seconds") == 0);
  CHECK(first.sum("usms_gateway_requests_held") == 0);
}

TEST_CASE("every series the alerting rules use is on /metrics",
          "[metrics][http][alerts]") {
  std::ifstream in{std::string{USMS_SOURCE_DIR}
                   + "/packaging/usms-gateway-alerts.yml"};
  std::string rules{std::istreambuf_iterator<char>{in},
                    std::istreambuf_iterator<char>{}};
  REQUIRE_FALSE(rules.empty());
  std::set<std::string> used;
  std::regex name{R"(\b(usms_gateway_[a-z_]+|process_[a-z_]+)\b)"};
  for (std::sregex_iterator it{rules.begin(), rules.end(), name}, end;
       it != end; ++it)
    used.insert((*it)[1]);
  REQUIRE(used.size() >= 4);
  gateway_stack stack;
  auto text = scrape(stack);
  for (auto& family : used) {
    INFO(family);
    CHECK(text.types.count(family) == 1);
  }
}
