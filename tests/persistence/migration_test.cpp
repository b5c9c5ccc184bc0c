// Versioned schema migrations: a database made before versions were
// recorded (a fixture dumped from a real run) is upgraded at open with its
// rows kept; a second open changes nothing; a next step is one entry; a
// failing step and a newer database are refused.

#include "persistence/migrations.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <cstdint>
#include <fstream>
#include <sstream>

#include "persistence/backend.hpp"
#include "persistence/journal_db.hpp"
#include "persistence/ops_db.hpp"
#include "persistence/schema.hpp"
#include "tests/support/test_support.hpp"

using namespace usms;

namespace {

const std::string fixture
  = std::string{USMS_SOURCE_DIR} + "/tests/persistence/fixtures/"
                                   "before_versions.sql";

/// Runs `sql` on the file `path` with the plain SQLite C API, so that the
/// old database is made without any of the code under test.
void run_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  auto rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  INFO(message);
  REQUIRE(rc == SQLITE_OK);
}

std::string read_file(const std::string& path) {
  std::ifstream in{path};
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The recorded steps as "version name applied_at" lines.
std::vector<std::string> recorded_steps(const std::string& path) {
  db::database conn{path};
  auto q = conn.prepare("SELECT version, name, applied_at "
                        "FROM schema_migrations ORDER BY version");
  std::vector<std::string> out;
  while (q.step())
    out.push_back(std::to_string(q.int64(0)) + " " + q.text(1) + " "
                  + std::to_string(q.int64(2)));
  return out;
}

bool has_table(const std::string& path, const std::string& table) {
  db::database conn{path};
  auto q = conn.prepare(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  q.bind(1, table);
  return q.step();
}

int latest() {
  return db::schema_migrations().back().version;
}

} // namespace

TEST_CASE("the steps are numbered from 1 without gaps", "[migrations]") {
  auto& steps = db::schema_migrations();
  REQUIRE_FALSE(steps.empty());
  for (size_t i = 0; i < steps.size(); ++i) {
    CHECK(steps[i].version == static_cast<int>(i) + 1);
    CHECK_FALSE(steps[i].name.empty());
    CHECK_FALSE(steps[i].sql.empty());
  }
}

TEST_CASE("a database made before versions were recorded is upgraded at "
          "open, its rows kept",
          "[migrations]") {
  test::temp_dir dir;
  auto path = dir.path() + "/old.db";
  run_sql(path, read_file(fixture));
  REQUIRE_FALSE(has_table(path, "schema_migrations"));
  {
    db::database conn{path};
    CHECK(db::schema_version(conn) == 0);
  }

  // What the gateway does at start: every owner opens its connection.
  auto storage = storage::open_backend(path);
  auto journal = storage->open_journal();
  {
    db::database conn{path};
    CHECK(db::schema_version(conn) == latest());
  }
  auto steps = recorded_steps(path);
  REQUIRE(steps.size() == db::schema_migrations().size());

  // The requests, with where they stood.
  auto created = journal->load("r1a233498bad000000");
  REQUIRE(created);
  CHECK(created->progress.state == request_state::succeeded);
  REQUIRE(created->outcome);
  CHECK(created->outcome->ticket_id == "INC0000001");
  CHECK(created->request.fields.at("Summary") == "fixture create");
  // The backlog as a restart indexes it, then reads it back to activate.
  auto reader = storage->open_reader();
  auto waiting = reader->unfinished_index(request_state::waiting_retry, 0,
                                          100);
  CHECK(reader->unfinished_index(request_state::queued, 0, 100).empty());
  CHECK(reader->unfinished_index(request_state::in_flight, 0, 100).empty());
  REQUIRE(waiting.size() == 1);
  CHECK(waiting[0].id == "r1a23349c803000004");
  // Version 2 gave the waiting create its serial key.
  CHECK(waiting[0].serial_key == "x:prb-1");
  CHECK_FALSE(waiting[0].query);
  auto unfinished = reader->requests_by_seq({waiting[0].seq});
  REQUIRE(unfinished.size() == 1);
  CHECK(unfinished[0].request.id == "r1a23349c803000004");
  CHECK(unfinished[0].seq == waiting[0].seq);
  CHECK(unfinished[0].progress.state == request_state::waiting_retry);
  CHECK(unfinished[0].request.idempotency_key == "fx-key-1");
  auto replies = journal->pending_replies();
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].request.reply_to == "http://127.0.0.1:1/hook");
  CHECK(journal->confirmed_creates("alarm-olt17") == 1);
  CHECK(journal->status_count() == 4);

  // The operator's tables.
  auto ops = storage->open_operator();
  CHECK(ops->find_route("nms-7") == "http://127.0.0.1:1/routed");
  CHECK(ops->runtime_config().at("soap.retries") == "4");
  CHECK(ops->trend(0, INT64_MAX).size() == 1);
  status_filter failed;
  failed.status = "Failed";
  CHECK(ops->status(failed).total == 1);

  // Its idempotency key still holds, and new rows go on from the old ones.
  ticket_request again = unfinished[0].request;
  again.id = "r-new";
  journal->begin();
  auto appended = journal->append(again);
  journal->commit();
  CHECK(appended.existed);
  CHECK(appended.id == unfinished[0].request.id);

  // A second open is a no-op: no step runs again.
  journal.reset();
  ops.reset();
  {
    db::database conn{path};
    db::prepare_database(conn);
    CHECK(db::migrate(conn) == 0);
  }
  storage->open_journal();
  CHECK(recorded_steps(path) == steps);
}

TEST_CASE("a fresh database gets every step once", "[migrations]") {
  test::temp_dir dir;
  auto path = dir.path() + "/fresh.db";
  db::database conn{path};
  CHECK(db::migrate(conn) == static_cast<int>(db::schema_migrations().size()));
  CHECK(db::schema_version(conn) == latest());
  CHECK(db::migrate(conn) == 0);
  CHECK(recorded_steps(path).size() == db::schema_migrations().size());
}

TEST_CASE("a new step is one more entry: an existing database gets only it",
          "[migrations]") {
  test::temp_dir dir;
  auto path = dir.path() + "/next.db";
  run_sql(path, read_file(fixture));
  db::database conn{path};
  REQUIRE(db::migrate(conn) > 0);
  auto steps = db::schema_migrations();
  steps.push_back({latest() + 1, "held requests",
                   "CREATE TABLE held (request_id TEXT PRIMARY KEY);"
                   "INSERT INTO held SELECT id FROM requests "
                   "WHERE state = 'waiting_retry';"});
  CHECK(db::migrate(conn, steps) == 1);
  CHECK(db::schema_version(conn) == latest() + 1);
  auto q = conn.prepare("SELECT COUNT(*) FROM held");
  REQUIRE(q.step());
  CHECK(q.int64(0) == 1);
  CHECK(db::migrate(conn, steps) == 0);
  // The build that knows only the older steps refuses this database.
  CHECK_THROWS_AS(db::migrate(conn), storage::storage_error);
}

TEST_CASE("a failing step is rolled back and the version stays",
          "[migrations]") {
  test::temp_dir dir;
  auto path = dir.path() + "/bad.db";
  db::database conn{path};
  db::migrate(conn);
  auto steps = db::schema_migrations();
  steps.push_back({latest() + 1, "broken",
                   "CREATE TABLE half (a INTEGER);"
                   "INSERT INTO nowhere VALUES (1);"});
  CHECK_THROWS_AS(db::migrate(conn, steps), db::sqlite_error);
  CHECK(db::schema_version(conn) == latest());
  CHECK_FALSE(has_table(path, "half"));
}

TEST_CASE("a database from a newer release is refused at open, untouched",
          "[migrations]") {
  test::temp_dir dir;
  auto path = dir.path() + "/newer.db";
  {
    db::database conn{path};
    db::migrate(conn);
    conn.exec("INSERT INTO schema_migrations VALUES (99, 'future', 0)");
  }
  try {
    db::journal_db journal{path};
    FAIL("opened a database of schema version 99");
  } catch (const storage::storage_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("version 99"));
  }
  CHECK_THROWS_AS(storage::open_backend(path)->open_operator(),
                  storage::storage_error);
  db::database conn{path};
  CHECK(db::schema_version(conn) == 99);
}
