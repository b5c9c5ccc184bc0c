// Several instances on one PostgreSQL database: leases and fencing tokens,
// claims of requests nobody alive owns (a serial key's requests together),
// the journal's writes fenced once a request was taken over, new requests
// of a key sent to the key's owner, hand-back, the leader, the shared
// version. And the cluster of one a SQLite file is.

#include <catch2/catch.hpp>

#include <tuple>

#include "persistence/backend.hpp"
#include "tests/persistence/storage_fixture.hpp"
#include "tests/support/postgres_server.hpp"

using namespace usms;

namespace {

constexpr int64_t lease = 10'000;

ticket_request create(const std::string& id, const std::string& ref) {
  ticket_request r;
  r.id = id;
  r.act = action::create;
  r.type = ticket_type::incident;
  r.fields["Summary"] = "s";
  r.external_reference = ref;
  r.accepted_at = 1000;
  return r;
}

std::vector<std::string> ids_of(const std::vector<index_row>& rows) {
  std::vector<std::string> out;
  for (auto& r : rows)
    out.push_back(r.id);
  return out;
}

request_outcome succeeded() {
  request_outcome out;
  out.state = request_state::succeeded;
  out.ticket_id = "INC1";
  out.attempts = 1;
  out.finished_at = 2000;
  return out;
}

/// One instance on the shared database: its membership and its journal,
/// writing under its token.
struct instance {
  std::unique_ptr<storage::cluster_store> cluster;
  std::unique_ptr<storage::journal_store> journal;
  std::string id;
  int64_t token = 0;

  instance(const storage::backend& b, std::string name, int64_t now)
    : cluster(b.open_cluster()), journal(b.open_journal()),
      id(std::move(name)) {
    token = cluster->join(id, now, lease).token;
    journal->set_owner(id, token);
  }
};

/// Two instances, `a` and `c`, joined at 1'000'000 on a fresh PostgreSQL
/// database.
struct two_instances {
  test::test_storage where{test::backend_kind::postgresql};
  std::shared_ptr<const storage::backend> b = where.open();
  instance a{*b, "a", 1'000'000};
  instance c{*b, "c", 1'000'000};
};

} // namespace

TEST_CASE("a lease is renewed under its token, and lost once a claim took "
          "the expired instance's requests",
          "[postgres][cluster]") {
  if (!test::backend_available(test::backend_kind::postgresql))
    return;
  two_instances x;
  auto [a, c] = std::tie(x.a, x.c);
  CHECK(a.cluster->shared());
  CHECK(a.token != c.token);
  a.journal->append(create("r1", "ref1"));
  a.journal->append(create("r2", "ref2"));
  CHECK(a.cluster->renew("a", a.token, 1'002'000, lease, "up", 2));
  // Within the lease nothing is claimed.
  CHECK(c.cluster->claim("c", c.token, 1'005'000, 100).empty());
  auto listed = c.cluster->instances(1'005'000);
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == "a");
  CHECK(listed[0].owned == 2);
  CHECK(listed[0].usms_state == "up");
  // A's lease ran out at 1'012'000 (it missed its renewals).
  CHECK(c.cluster->renew("c", c.token, 1'013'000, lease, "up", 0));
  auto taken = c.cluster->claim("c", c.token, 1'013'000, 100);
  CHECK(ids_of(taken) == std::vector<std::string>{"r1", "r2"});
  CHECK_FALSE(a.cluster->renew("a", a.token, 1'013'500, lease, "up", 2));
  CHECK(c.cluster->instances(1'013'500).size() == 1);
  // A's journal writes nothing any more: C owns the requests.
  request_progress p;
  p.state = request_state::in_flight;
  p.sending = true;
  CHECK_FALSE(a.journal->update_progress("r1", p));
  CHECK_FALSE(a.journal->finish(create("r1", "ref1"), succeeded(), ""));
  CHECK_FALSE(a.journal->load("r1")->progress.sending);
  CHECK(a.journal->status_count() == 0);
  CHECK(c.journal->update_progress("r1", p));
  CHECK(c.journal->finish(create("r1", "ref1"), succeeded(), ""));
  CHECK(c.journal->confirmed_creates("ref1") == 1);
}

TEST_CASE("a serial key's requests go to its owner and are claimed together",
          "[postgres][cluster]") {
  if (!test::backend_available(test::backend_kind::postgresql))
    return;
  two_instances x;
  auto [a, c] = std::tie(x.a, x.c);
  a.journal->append(create("a1", "shared-ref"));
  // C journals a request of A's key: A runs it, after a1.
  c.journal->begin();
  c.journal->append(create("c1", "shared-ref"));
  c.journal->append(create("c2", "own-ref"));
  c.journal->commit();
  CHECK(c.cluster->handed_over("c", c.token, 100).empty());
  auto handed = a.cluster->handed_over("a", a.token, 100);
  CHECK(ids_of(handed) == std::vector<std::string>{"c1"});
  CHECK(a.cluster->handed_over("a", a.token, 100).empty());
  request_progress p;
  p.state = request_state::in_flight;
  p.sending = true;
  CHECK_FALSE(c.journal->update_progress("c1", p));
  CHECK(c.journal->update_progress("c2", p));
  // A dies: C takes a1 and c1, a limit of one notwithstanding.
  c.cluster->renew("c", c.token, 1'020'000, lease, "up", 1);
  auto taken = c.cluster->claim("c", c.token, 1'020'000, 1);
  CHECK(ids_of(taken) == std::vector<std::string>{"a1", "c1"});
  CHECK(c.journal->update_progress("c1", p));
}

TEST_CASE("a clean stop hands requests back at once",
          "[postgres][cluster]") {
  if (!test::backend_available(test::backend_kind::postgresql))
    return;
  two_instances x;
  auto [a, c] = std::tie(x.a, x.c);
  a.journal->append(create("r1", "ref1"));
  CHECK(a.cluster->leave("a", a.token) == 1);
  CHECK(ids_of(c.cluster->claim("c", c.token, 1'000'100, 10))
        == std::vector<std::string>{"r1"});
  CHECK(c.cluster->instances(1'000'100).size() == 1);
  CHECK(c.cluster->unfinished() == 1);
  // Joining again under the same name: a new token.
  instance again{*x.b, "a", 1'000'200};
  CHECK(again.token > a.token);
}

TEST_CASE("one leader at a time, another once its lease expired",
          "[postgres][cluster]") {
  if (!test::backend_available(test::backend_kind::postgresql))
    return;
  two_instances x;
  auto [a, c] = std::tie(x.a, x.c);
  CHECK(a.cluster->lead("a", a.token, 1'000'000, lease));
  CHECK_FALSE(c.cluster->lead("c", c.token, 1'001'000, lease));
  CHECK(a.cluster->lead("a", a.token, 1'005'000, lease));
  CHECK_FALSE(c.cluster->lead("c", c.token, 1'014'000, lease));
  CHECK(c.cluster->lead("c", c.token, 1'016'000, lease));
  CHECK_FALSE(a.cluster->lead("a", a.token, 1'017'000, lease));
}

TEST_CASE("a change of runtime config or reply routes moves the shared "
          "version",
          "[postgres][cluster]") {
  if (!test::backend_available(test::backend_kind::postgresql))
    return;
  test::test_storage where{test::backend_kind::postgresql};
  auto b = where.open();
  auto cluster = b->open_cluster();
  auto ops = b->open_operator();
  auto v0 = cluster->shared_version();
  ops->save_runtime_config({{"soap.retries", "5"}});
  auto v1 = cluster->shared_version();
  CHECK(v1 > v0);
  ops->put_route("nms", "http://127.0.0.1:1/hook");
  CHECK(cluster->shared_version() > v1);
}

TEST_CASE("a SQLite file is a cluster of one that owns everything",
          "[storage][cluster]") {
  test::test_storage where{test::backend_kind::sqlite};
  auto b = where.open();
  auto cluster = b->open_cluster();
  auto journal = b->open_journal();
  CHECK_FALSE(cluster->shared());
  auto grant = cluster->join("solo", 1000, lease);
  journal->set_owner("solo", grant.token);
  journal->append(create("r1", "ref1"));
  CHECK(cluster->renew("solo", grant.token, 2000, lease, "up", 1));
  CHECK(cluster->claim("solo", grant.token, 99'000, 10).empty());
  CHECK(cluster->lead("solo", grant.token, 2000, lease));
  auto listed = cluster->instances(2000);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == "solo");
  CHECK(listed[0].owned == 1);
  CHECK(cluster->unfinished() == 1);
  request_progress p;
  p.state = request_state::in_flight;
  CHECK(journal->update_progress("r1", p));
}
