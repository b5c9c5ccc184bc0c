// A real Alertmanager (Debian's prometheus-alertmanager) on loopback with a
// webhook receiver pointing at the gateway, a bearer token from
// auth.tokens in its http_config: alerts posted to its API become one
// ticket with the templated fields and priority, repeated notifications
// make no more, and the ticket is resolved when the alert is.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/iso_time.hpp"
#include "tests/alarms/alarm_http.hpp"
#include "tests/support/missing_tool.hpp"

extern char** environ;

namespace usms::test {

namespace {

using namespace std::chrono_literals;

constexpr const char* alertmanager_exe = "/usr/bin/prometheus-alertmanager";
constexpr const char* receiver_token = "am-webhook-token";
constexpr const char* test_token = "am-test-admin";

/// A port nobody listens on now (the kernel's pick for port 0).
uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

/// The receiver config README.md shows, with test timings.
std::string alertmanager_config(const std::string& gateway_url) {
  return "route:\n"
         "  receiver: usms-gateway\n"
         "  group_by: [alertname, instance]\n"
         "  group_wait: 1s\n"
         "  group_interval: 1s\n"
         "  repeat_interval: 2s\n"
         "receivers:\n"
         "  - name: usms-gateway\n"
         "    webhook_configs:\n"
         "      - url: "
         + gateway_url
         + "/api/v1/alertmanager\n"
           "        send_resolved: true\n"
           "        http_config:\n"
           "          authorization:\n"
           "            credentials: "
         + receiver_token + "\n";
}

/// Alertmanager as a child process of the test, SIGKILLed at its end.
class alertmanager {
public:
  alertmanager(const std::string& dir, const std::string& gateway_url) {
    auto config = dir + "/alertmanager.yml";
    std::ofstream{config} << alertmanager_config(gateway_url);
    std::filesystem::create_directories(dir + "/am-data");
    url_ = "http://127.0.0.1:" + std::to_string(free_port());
    std::vector<std::string> args{
      alertmanager_exe,
      "--config.file=" + config,
      "--storage.path=" + dir + "/am-data",
      "--web.listen-address=" + url_.substr(7),
      "--cluster.listen-address=",
      "--log.level=warn"};
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(::posix_spawn(&pid_, alertmanager_exe, nullptr, nullptr,
                          argv.data(), environ)
            == 0);
    bool ready = wait_until(
      [&] { return http_call("GET", url_ + "/-/ready").status == 200; }, 20s);
    REQUIRE(ready);
  }

  ~alertmanager() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }

  alertmanager(const alertmanager&) = delete;
  alertmanager& operator=(const alertmanager&) = delete;

  /// POST /api/v2/alerts with one alert; `ends_at` 0 = still firing.
  void post_alert(int64_t starts_at, int64_t ends_at) {
    std::string alert
      = R"([{"labels": {"alertname": "LinkDown", "instance": "olt-17",)"
        R"( "severity": "critical"}, "annotations": {"summary": "Link)"
        R"( down on olt-17", "description": "Port 3 lost its light"},)"
        R"( "startsAt": ")"
        + format_iso8601_utc_ms(starts_at) + "\"";
    if (ends_at > 0)
      alert += ", \"endsAt\": \"" + format_iso8601_utc_ms(ends_at) + "\"";
    alert += "}]";
    auto r = http_call("POST", url_ + "/api/v2/alerts", alert,
                       {{"Content-Type", "application/json"}});
    INFO(r.status << " " << r.body << r.error);
    REQUIRE(r.status == 200);
  }

private:
  pid_t pid_ = -1;
  std::string url_;
};

int64_t now_unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
    .count();
}

} // namespace

TEST_CASE("a real Alertmanager: one ticket with the templated fields, "
          "repeats make no more, resolved with the alert",
          "[alarms][alertmanager]") {
  if (::access(alertmanager_exe, X_OK) != 0) {
    report_missing_tool("prometheus-alertmanager (scripts/setup)",
                        "alerts from a real Alertmanager");
    return;
  }
  stack_options opts;
  opts.gateway_env = {std::string{"USMS_GW_AUTH_TOKENS="} + receiver_token
                        + ":submit," + test_token + ":admin",
                      "USMS_GW_ALARMS_UPDATE_INTERVAL=1s"};
  opts.token = test_token;
  gateway_stack env{opts};
  // Without the token the webhook is refused.
  CHECK(http_call("POST", env.gw_url() + "/api/v1/alertmanager", "{}",
                  {{"Content-Type", "application/json"}})
          .status
        == 401);
  alertmanager am{env.dir(), env.gw_url()};
  auto started = now_unix_ms();
  am.post_alert(started, 0);

  std::string key;
  REQUIRE(wait_until(
    [&] {
      auto list = env.json("GET", "/api/v1/alarms");
      if (list["alarms"].Empty() || !list["alarms"][0]["ticket_id"].IsString())
        return false;
      key = json_string(list["alarms"][0], "key");
      return true;
    },
    20s));
  CHECK(key.rfind("am:", 0) == 0);
  auto id = wait_ticket(env, key);
  auto t = sim_ticket(env, id);
  CHECK(json_string(t["ticket"], "Summary") == "Link down on olt-17");
  CHECK(json_string(t["ticket"], "Description") == "Port 3 lost its light");
  CHECK(json_string(t["ticket"], "ConfigurationItem") == "olt-17");
  CHECK(json_string(t["ticket"], "Priority") == "1");

  // Alertmanager notifies again (repeat_interval) and the alert is posted
  // again: counted, no second ticket.
  am.post_alert(started, 0);
  wait_alarm(
    env, key, [](auto& a) { return json_int(a, "occurrences") >= 2; },
    "counted a repeated notification", 20s);
  CHECK(env.sim_calls("CreateTicket") == 1);
  CHECK(json_int(env.json("GET", "/api/v1/alarms"), "total") == 1);

  // Resolved in Alertmanager (endsAt in the past): resolved in USMS.
  am.post_alert(started, now_unix_ms() - 1000);
  wait_sim_status(env, id, "Resolved");
  CHECK(json_string(get_alarm(env, key), "state") == "resolved");
  CHECK(env.sim_calls("CreateTicket") == 1);
}

} // namespace usms::test
