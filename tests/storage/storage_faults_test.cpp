// The real gateway on a disk that fills up and on one that turns
// read-only: intake refuses with 503 storage_unavailable (never a 202
// without a commit), readiness fails while writes fail, and no request
// acknowledged before or during the fault is lost or sent twice.

#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "persistence/sqlite.hpp"
#include "tests/storage/fault_disk.hpp"
#include "tests/support/gateway_stack.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;

struct accepted {
  std::string request_id;
  std::string correlation_id;
};

std::string create_body(const std::string& corr) {
  return R"({"fields": {"summary": "disk )" + corr + R"("}, "correlation_id": )"
         + json_quote(corr) + "}";
}

/// Submits a create; a 202 joins `acked`. Returns the answer.
http_reply submit(gateway_stack& env, const std::string& corr,
                  std::vector<accepted>& acked) {
  auto r = env.call("POST", "/api/v1/tickets/incident", create_body(corr));
  if (r.status == 202)
    acked.push_back({json_string(parse_json(r.body), "request_id"), corr});
  return r;
}

/// Submits `n` creates named `prefix-i`, each of which must be accepted.
void submit_accepted(gateway_stack& env, const std::string& prefix, int n,
                     std::vector<accepted>& acked) {
  for (int i = 0; i < n; ++i) {
    auto r = submit(env, prefix + "-" + std::to_string(i), acked);
    INFO(r.status << " " << r.body);
    REQUIRE(r.status == 202);
  }
}

/// The refusal a submit gets while the database cannot be written.
void require_storage_unavailable(const http_reply& r) {
  INFO(r.status << " " << r.error << " " << r.body);
  REQUIRE(r.status == 503);
  auto doc = parse_json(r.body);
  REQUIRE(doc.HasMember("error"));
  CHECK(json_string(doc["error"], "code") == "storage_unavailable");
  CHECK_FALSE(usms::http::find_header(r.headers, "Retry-After").empty());
}

/// /readyz's answer and whether its "database" check failed.
bool database_unready(gateway_stack& env) {
  auto r = env.call("GET", "/readyz");
  if (r.status != 503)
    return false;
  auto doc = parse_json(r.body);
  for (auto& check : doc["checks"].GetArray())
    if (json_string(check, "name") == "database")
      return !check["ok"].GetBool() && !json_string(check, "message").empty();
  return false;
}

bool ready(gateway_stack& env) {
  return env.call("GET", "/readyz").status == 200;
}

/// A gauge's value in /metrics, or -1.
int64_t gauge(gateway_stack& env, const std::string& name) {
  auto text = env.call("GET", "/metrics").body;
  auto at = text.find("\n" + name + " ");
  if (at == std::string::npos)
    return -1;
  return std::stoll(text.substr(at + name.size() + 2));
}

/// Every request succeeded, and the simulator created each one's ticket
/// exactly once.
void require_all_succeeded_once(gateway_stack& env,
                                const std::vector<accepted>& all) {
  std::set<std::string> tickets;
  for (auto& a : all) {
    auto doc = env.wait_finished(a.request_id, 60s);
    INFO(a.correlation_id << ": " << json_string(doc, "state") << " "
                          << json_string(doc, "reason"));
    CHECK(json_string(doc, "state") == "succeeded");
    tickets.insert(json_string(doc, "ticket_id"));
  }
  CHECK(tickets.size() == all.size());
  auto stats = env.sim_stats();
  auto& creates = stats["creates_by_external_reference"];
  for (auto& a : all) {
    INFO(a.correlation_id);
    CHECK(json_int(creates, a.correlation_id.c_str(), 0) == 1);
  }
}

/// A stack whose gateway keeps its database (and offload folder) on
/// `disk`, mounted on the stack's directory before the gateway starts.
/// USMS answers slowly, two calls at a time: requests accepted before the
/// fault are still queued or in flight when it comes, so their progress
/// and outcomes must be journaled through it.
stack_options slow_usms_stack() {
  stack_options opts;
  opts.defer_gateway = true;
  opts.gateway_env
      = {"USMS_GW_USMS_MAX_IN_FLIGHT=2", "USMS_GW_SOAP_RETRIES=10"};
  return opts;
}

} // namespace

TEST_CASE("a full disk: 503 storage_unavailable and not ready until space "
          "comes back, then everything acknowledged is delivered once",
          "[storage][full]") {
  gateway_stack env{slow_usms_stack()};
  // Declared after the stack, so unmounted (lazily) before the gateway is
  // killed: every way out of the test leaves nothing mounted.
  auto disk = mount_or_skip([&](std::string& why) {
    return fault_disk::tmpfs(env.dir(), 16u << 20, why);
  });
  if (!disk)
    return;
  env.start_gateway();
  env.set_faults(R"({"latency_ms": 200})");
  std::vector<accepted> acked;
  submit_accepted(env, "full-before", 20, acked);

  // A reader in the middle of a read, as a backup or a long query would
  // be, keeps the journal's log (its WAL) from being reused or truncated:
  // from here on every write needs new space on the disk.
  db::database reader{env.db_path()};
  reader.exec("BEGIN");
  reader.exec("SELECT COUNT(*) FROM requests");
  disk->fill();
  // The log's last page may have room left: submit until a write needs
  // space. Each one accepted meanwhile was committed.
  http_reply refused;
  for (int i = 0; i < 2000; ++i) {
    auto r = submit(env, "full-during-" + std::to_string(i), acked);
    if (r.status != 202) {
      refused = r;
      break;
    }
  }
  require_storage_unavailable(refused);
  disk->fill(); // whatever came free meanwhile
  CHECK(database_unready(env));
  CHECK(gauge(env, "usms_gateway_database_writable") == 0);
  // A while full: calls in flight end meanwhile, and their outcomes cannot
  // be journaled either (nobody hears of them until they are).
  std::this_thread::sleep_for(1500ms);
  disk->fill();
  CHECK(database_unready(env));
  require_storage_unavailable(
      env.call("POST", "/api/v1/tickets/incident", create_body("full-no")));
  CHECK_THAT(env.gateway().output(),
             Catch::Contains("not journaled, trying again every second"));

  // No restart: once there is space, the gateway notices by itself.
  disk->free_space();
  reader.exec("COMMIT");
  REQUIRE(wait_until([&] { return ready(env); }, 10s));
  CHECK(gauge(env, "usms_gateway_database_writable") == 1);
  submit_accepted(env, "full-after", 5, acked);
  env.set_faults(R"({"latency_ms": 0})");
  require_all_succeeded_once(env, acked);
  // The refused request was never journaled, so never sent.
  CHECK(json_int(env.sim_stats()["creates_by_external_reference"], "full-no", 0)
        == 0);
}

TEST_CASE("a disk turned read-only: 503 storage_unavailable and not ready, and "
          "after it is mounted again everything acknowledged is delivered "
          "once",
          "[storage][read-only]") {
  gateway_stack env{slow_usms_stack()};
  auto disk = mount_or_skip([&](std::string& why) {
    return fault_disk::ext4(env.dir(), 64u << 20, why);
  });
  if (!disk)
    return;
  env.start_gateway();
  env.set_faults(R"({"latency_ms": 200})");
  std::vector<accepted> acked;
  submit_accepted(env, "ro-before", 20, acked);

  disk->fail_read_only();
  for (int i = 0; i < 3; ++i) {
    auto corr = "ro-refused-" + std::to_string(i);
    require_storage_unavailable(
        env.call("POST", "/api/v1/tickets/incident", create_body(corr)));
  }
  CHECK(database_unready(env));
  CHECK(gauge(env, "usms_gateway_database_writable") == 0);
  // Still so a while later: the journal's probe keeps failing, and the
  // outcomes of calls that ended meanwhile wait to be journaled.
  std::this_thread::sleep_for(1500ms);
  CHECK(database_unready(env));
  CHECK_THAT(env.gateway().output(),
             Catch::Contains("not journaled, trying again every second"));

  // Linux keeps a file system that went read-only after an error so until
  // it is unmounted: the operator stops the gateway, mounts the disk
  // again and starts it. The journal holds what was acknowledged.
  CHECK(env.stop_gateway() == 0);
  disk->mount_again();
  env.start_gateway();
  REQUIRE(wait_until([&] { return ready(env); }, 10s));
  submit_accepted(env, "ro-after", 5, acked);
  env.set_faults(R"({"latency_ms": 0})");
  require_all_succeeded_once(env, acked);
  for (int i = 0; i < 3; ++i) {
    auto corr = "ro-refused-" + std::to_string(i);
    CHECK(json_int(env.sim_stats()["creates_by_external_reference"],
                   corr.c_str(), 0)
          == 0);
  }
}

} // namespace usms::test
