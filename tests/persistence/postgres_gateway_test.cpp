// The real gateway on PostgreSQL (storage.url), for what the other suites'
// PostgreSQL runs cannot show: status rows offloaded to CSV files and gone
// from the database, a password in the URL shown nowhere, /readyz
// following the database.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "persistence/pg.hpp"
#include "tests/support/gateway_stack.hpp"
#include "tests/support/offload_files.hpp"

using namespace usms;
using namespace usms::test;
using namespace std::chrono_literals;

namespace {

stack_options on_postgres(std::vector<std::string> env = {}) {
  stack_options opts;
  opts.storage = stack_storage::postgres;
  opts.gateway_env = std::move(env);
  return opts;
}

int64_t status_total(gateway_stack& s) {
  return json_int(s.json("GET", "/api/v1/status?limit=1"), "total");
}

} // namespace

TEST_CASE("the gateway on PostgreSQL offloads status rows, each once",
          "[postgres][gateway][offload]") {
  if (!postgres_available("the gateway's offload on PostgreSQL"))
    return;
  gateway_stack s{on_postgres(
      {"USMS_GW_OFFLOAD_MAX_ENTRIES=20", "USMS_GW_OFFLOAD_AMOUNT=10",
       "USMS_GW_OFFLOAD_CHECK_INTERVAL=200ms", "USMS_GW_OFFLOAD_TIMEZONE=UTC",
       "USMS_GW_OFFLOAD_FILE_TIMESPAN=1h"})};
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i)
    ids.push_back(
        json_string(s.submit_create("incident", "offload " + std::to_string(i)),
                    "request_id"));
  for (auto& id : ids)
    REQUIRE(json_string(s.wait_finished(id), "state") == "succeeded");
  // Over 20 rows, an offload leaves 20 - 10. One may run while the 40 are
  // still finishing (every 200 ms), and the rows finished after it can
  // leave 11..20 that no later check offloads: the table ends with 10 to
  // 20 rows, and every other row is in a file exactly once.
  REQUIRE(wait_until([&] { return status_total(s) <= 20; }, 30s));
  std::this_thread::sleep_for(600ms); // an offload under way ends
  auto total = status_total(s);
  CHECK(total >= 10);
  CHECK(total <= 20);
  auto offloaded = offloaded_ids(s.offload_path());
  CHECK(static_cast<int64_t>(offloaded.size()) == 40 - total);
  auto live = s.json("GET", "/api/v1/status?limit=100");
  for (auto& row : live["rows"].GetArray())
    CHECK(offloaded.count(json_string(row, "request_id")) == 0);
  for (auto& [id, n] : offloaded) {
    INFO(id);
    CHECK(n == 1);
  }
  // The requests themselves stay: a request offloaded still answers.
  CHECK(json_string(s.json("GET", "/api/v1/requests/" + ids.front()), "state")
        == "succeeded");
}

TEST_CASE("a password in storage.url shows nowhere", "[postgres][gateway]") {
  if (!postgres_available("the gateway's storage.url redaction"))
    return;
  // The test server trusts local sessions: the password is carried along,
  // never needed.
  postgres_database db;
  auto url = db.url() + "&password=S3CRETPW";
  gateway_stack named{on_postgres({"USMS_GW_STORAGE_URL=" + url})};
  auto created = named.create_ticket("incident", "with a password");
  CHECK_FALSE(created.empty());
  auto config = named.call("GET", "/api/v1/config");
  CHECK(config.status == 200);
  CHECK_THAT(config.body, !Catch::Contains("S3CRETPW"));
  CHECK_THAT(named.gateway().output(),
             Catch::Contains("storage: PostgreSQL database"));
  CHECK_THAT(named.gateway().output(), !Catch::Contains("S3CRETPW"));

  // A database that is not there: the gateway refuses to start, and says
  // why without the password.
  auto missing = url;
  missing.replace(missing.find(db.name()), db.name().size(), "no_such_db");
  stack_options wrong = on_postgres({"USMS_GW_STORAGE_URL=" + missing});
  wrong.defer_gateway = true;
  gateway_stack refused{wrong};
  try {
    refused.start_gateway();
    FAIL("the gateway started on a database that does not exist");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("no_such_db"));
    CHECK_THAT(e.what(), !Catch::Contains("S3CRETPW"));
  }
}

TEST_CASE("/readyz follows the PostgreSQL database", "[postgres][gateway]") {
  if (!postgres_available("the gateway's readiness on PostgreSQL"))
    return;
  gateway_stack s{on_postgres()};
  CHECK(s.call("GET", "/readyz").status == 200);
  pg::connection admin{shared_postgres()->url()};
  auto& name = s.postgres()->name();
  auto allow = [&](bool yes) {
    admin.exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS "
               + (yes ? "true" : "false"));
    if (!yes)
      admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                 "WHERE datname = '"
                 + name + "'");
  };
  allow(false);
  CHECK(
      wait_until([&] { return s.call("GET", "/readyz").status == 503; }, 10s));
  auto why = s.call("GET", "/readyz").body;
  CHECK_THAT(why, Catch::Contains("database"));
  allow(true);
  CHECK(
      wait_until([&] { return s.call("GET", "/readyz").status == 200; }, 15s));
  // And it journals again.
  CHECK_FALSE(s.create_ticket("incident", "after the outage").empty());
}
