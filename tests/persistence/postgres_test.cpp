// What only the PostgreSQL backend has: its session settings, a password
// that no message shows, readiness from what the connections saw, a lost
// connection reopened, a group commit whose statements fail together, and
// text PostgreSQL cannot hold refused before it joins a group.

#include <catch2/catch.hpp>

#include "persistence/backend.hpp"
#include "persistence/pg.hpp"
#include "persistence/pg_secrets.hpp"
#include "tests/support/postgres_server.hpp"

using namespace usms;

namespace {

ticket_request create(const std::string& id, const std::string& summary) {
  ticket_request r;
  r.id = id;
  r.fields["Summary"] = summary;
  r.accepted_at = 1000;
  return r;
}

/// `url` of the test server with userinfo `gw:S3CRET` instead of `usms`.
std::string with_password(const std::string& url, const std::string& db) {
  auto at = url.find("usms@/");
  REQUIRE(at != std::string::npos);
  auto query = url.find('?');
  return url.substr(0, at) + "gw:S3CRET@/" + db + url.substr(query);
}

void check_hidden(const std::string& text) {
  INFO(text);
  CHECK_THAT(text, !Catch::Contains("S3CRET"));
  CHECK_THAT(text, !Catch::Contains("S3%ZZ"));
}

} // namespace

TEST_CASE("a password in the URL is never shown", "[postgres][secrets]") {
  if (!test::postgres_available("PostgreSQL messages"))
    return;
  test::postgres_database db;
  auto url = with_password(db.url(), "no_such_db");
  auto storage = storage::open_backend(url);
  CHECK_THAT(storage->describe(),
             Catch::Contains("PostgreSQL") && Catch::Contains("gw:***@"));
  check_hidden(storage->describe());
  try {
    storage->open_journal();
    FAIL("opened a database that does not exist");
  } catch (const storage::storage_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("no_such_db"));
    check_hidden(e.what());
  }
  CHECK_FALSE(storage->readiness_problem().empty());
  check_hidden(storage->readiness_problem());

  // As a parameter, and where libpq quotes what it cannot read.
  for (auto bad : {db.url() + "&password=S3CRET&bogus=1",
                   std::string{"postgresql://gw:S3%ZZCRET@/x?host=/nowhere"},
                   std::string{"host=/nowhere password=S3CRET dbname"}}) {
    try {
      pg::connection c{bad};
      FAIL("connected with " << bad);
    } catch (const storage::storage_error& e) {
      check_hidden(e.what());
    }
  }
  auto secrets = pg::url_secrets("postgresql://u:p%40ss@h/db?password=x%21y");
  CHECK(pg::mask_secrets("p@ss p%40ss x!y x%21y", secrets)
        == "*** *** *** ***");
}

TEST_CASE("every session runs with synchronous_commit on",
          "[postgres][durability]") {
  if (!test::postgres_available("PostgreSQL session settings"))
    return;
  test::postgres_database db;
  {
    pg::connection admin{db.url()};
    admin.exec("ALTER DATABASE " + db.name() + " SET synchronous_commit = off");
  }
  // Neither the database's default nor the URL's options win.
  pg::connection c{db.url() + "&options=-c%20synchronous_commit%3Doff"};
  CHECK(c.run("SHOW synchronous_commit").text(0, 0) == "on");
  auto journal = storage::open_backend(db.url())->open_journal();
  journal->append(create("r1", "durable"));
  CHECK(journal->load("r1"));
}

TEST_CASE("the statements of a group fail together, and the next group commits",
          "[postgres][journal]") {
  if (!test::postgres_available("PostgreSQL group commit"))
    return;
  test::postgres_database db;
  auto j = storage::open_backend(db.url())->open_journal();
  j->append(create("r1", "first"));
  j->begin();
  j->append(create("r2", "second"));
  // The same id again: the database refuses it when the group is sent.
  j->append(create("r1", "again"));
  CHECK_THROWS_AS(j->commit(), storage::storage_error);
  CHECK_FALSE(j->in_transaction());
  CHECK_FALSE(j->load("r2"));
  j->begin();
  j->append(create("r3", "third"));
  j->commit();
  CHECK(j->load("r3"));
  CHECK(j->load("r1")->request.fields.at("Summary") == "first");
}

TEST_CASE("text PostgreSQL cannot hold fails its own append only",
          "[postgres][journal]") {
  if (!test::postgres_available("PostgreSQL text checks"))
    return;
  test::postgres_database db;
  auto j = storage::open_backend(db.url())->open_journal();
  j->begin();
  j->append(create("ok1", "fine"));
  CHECK_THROWS_AS(j->append(create("bad1", "\xff\xfe not UTF-8")),
                  storage::storage_error);
  auto nul = create("bad2", "fine");
  nul.source = std::string{"with\0nul", 8};
  CHECK_THROWS_AS(j->append(nul), storage::storage_error);
  j->append(create("ok2", "ümlaut 😀"));
  j->commit();
  CHECK(j->load("ok1"));
  CHECK(j->load("ok2")->request.fields.at("Summary") == "ümlaut 😀");
  CHECK_FALSE(j->load("bad1"));
}

TEST_CASE("a write that sent nothing is taken back alone, one the server "
          "refused takes its group with it",
          "[postgres][journal]") {
  if (!test::postgres_available("PostgreSQL write undo"))
    return;
  test::postgres_database db;
  auto j = storage::open_backend(db.url())->open_journal();
  j->append(create("r1", "first"));
  j->begin_write();
  j->append(create("a", "kept"));
  j->end_write();
  j->begin_write();
  request_outcome bad;
  bad.state = request_state::failed;
  bad.reason = "\xff not UTF-8";
  CHECK_THROWS_AS(j->finish(create("a", "kept"), bad, ""),
                  storage::storage_error);
  CHECK(j->undo_write());
  j->begin_write();
  j->append(create("b", "kept too"));
  j->end_write();
  j->commit();
  CHECK(j->load("a"));
  CHECK(j->load("b"));
  CHECK_FALSE(j->load("a")->outcome);
  CHECK(j->status_count() == 0);

  j->begin_write();
  j->append(create("c", "lost with the group"));
  j->end_write();
  j->begin_write();
  // The same id again: refused by the server (seen at the requeue, which
  // waits for an answer), and the transaction ends with it.
  j->append(create("r1", "again"));
  CHECK_THROWS_AS(j->requeue("r1"), storage::storage_error);
  CHECK_FALSE(j->undo_write());
  j->rollback();
  CHECK_FALSE(j->load("c"));
  j->check_writable();
}

TEST_CASE("a lost connection is reopened, and readiness follows the database",
          "[postgres][readiness]") {
  if (!test::postgres_available("PostgreSQL reconnects"))
    return;
  test::postgres_database db;
  auto storage = storage::open_backend(db.url());
  auto journal = storage->open_journal();
  auto reader = storage->open_reader();
  journal->append(create("r1", "before"));
  reader->maintain();
  CHECK(storage->readiness_problem().empty());

  pg::connection admin{test::shared_postgres()->url()};
  auto cut_off = [&](bool allow) {
    admin.exec("ALTER DATABASE " + db.name() + " ALLOW_CONNECTIONS "
               + (allow ? "true" : "false"));
    if (!allow)
      admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                 "WHERE datname = '"
                 + db.name() + "'");
  };
  cut_off(false);
  // The first call finds its connection gone, the next cannot reconnect:
  // both fail, and readiness says why.
  CHECK_THROWS_AS(reader->maintain(), storage::storage_error);
  CHECK_THROWS_AS(reader->maintain(), storage::storage_error);
  CHECK_FALSE(storage->readiness_problem().empty());
  CHECK_THROWS_AS(journal->append(create("r2", "while cut off")),
                  storage::storage_error);

  cut_off(true);
  reader->maintain();
  CHECK(storage->readiness_problem().empty());
  CHECK(reader->request("r1"));
  journal->begin();
  journal->append(create("r3", "after"));
  journal->commit();
  CHECK(reader->request("r3"));
}
