// The versioned schema on PostgreSQL: the same steps as SQLite's, applied
// once to a fresh database even when several gateways start at once; a
// next step is one entry; a failing step is rolled back, DDL included; a
// database from a newer release is refused.

#include <catch2/catch.hpp>

#include <mutex>
#include <thread>

#include "persistence/backend.hpp"
#include "persistence/pg_migrations.hpp"
#include "tests/support/postgres_server.hpp"

using namespace usms;

namespace {

int latest() {
  return pg::schema_migrations().back().version;
}

int64_t count(pg::connection& c, const std::string& sql) {
  return c.run(sql).int64(0, 0);
}

bool has_table(pg::connection& c, const std::string& table) {
  return c.run("SELECT to_regclass($1) IS NOT NULL", {table}).text(0, 0) == "t";
}

} // namespace

TEST_CASE("both backends have the same steps, by version and name",
          "[migrations]") {
  auto& sqlite = db::schema_migrations();
  auto& postgresql = pg::schema_migrations();
  REQUIRE(sqlite.size() == postgresql.size());
  for (size_t i = 0; i < sqlite.size(); ++i) {
    CHECK(postgresql[i].version == sqlite[i].version);
    CHECK(postgresql[i].name == sqlite[i].name);
    CHECK_FALSE(postgresql[i].sql.empty());
  }
}

TEST_CASE("a fresh PostgreSQL database gets every step once",
          "[migrations][postgres]") {
  if (!test::postgres_available("PostgreSQL migrations"))
    return;
  test::postgres_database db;
  pg::connection c{db.url()};
  CHECK(pg::schema_version(c) == 0);
  CHECK(pg::migrate(c) == static_cast<int>(pg::schema_migrations().size()));
  CHECK(pg::schema_version(c) == latest());
  CHECK(pg::migrate(c) == 0);
  CHECK(count(c, "SELECT COUNT(*) FROM schema_migrations")
        == static_cast<int64_t>(pg::schema_migrations().size()));
  auto names = c.run("SELECT name FROM schema_migrations ORDER BY version");
  CHECK(names.text(0, 0) == pg::schema_migrations()[0].name);
  // Version 2's columns are there.
  CHECK(count(c, "SELECT COUNT(*) FROM information_schema.columns "
                 "WHERE table_name = 'requests' "
                 "AND column_name IN ('serial_key', 'retried_at')")
        == 2);
}

TEST_CASE("gateways starting at once on an empty database migrate it once",
          "[migrations][postgres]") {
  if (!test::postgres_available("PostgreSQL concurrent migrations"))
    return;
  test::postgres_database db;
  auto storage = storage::open_backend(db.url());
  std::mutex failures_mtx;
  std::vector<std::string> failures;
  std::vector<std::thread> owners;
  // What several gateways' owners do at start, all at the same moment.
  for (int i = 0; i < 6; ++i)
    owners.emplace_back([&, i] {
      try {
        if (i % 3 == 0)
          storage->open_journal();
        else if (i % 3 == 1)
          storage->open_operator();
        else
          storage->open_offload();
      } catch (const std::exception& e) {
        // Kept for after join(): Catch2 v2 is not thread-safe.
        std::lock_guard<std::mutex> guard{failures_mtx};
        failures.emplace_back(e.what());
      }
    });
  for (auto& t : owners)
    t.join();
  for (auto& what : failures)
    UNSCOPED_INFO(what);
  CHECK(failures.empty());
  pg::connection c{db.url()};
  CHECK(count(c, "SELECT COUNT(*) FROM schema_migrations")
        == static_cast<int64_t>(pg::schema_migrations().size()));
  CHECK(pg::schema_version(c) == latest());
}

TEST_CASE("a next step is one more entry, and a failing one is rolled back",
          "[migrations][postgres]") {
  if (!test::postgres_available("PostgreSQL migration steps"))
    return;
  test::postgres_database db;
  pg::connection c{db.url()};
  pg::migrate(c);
  auto next = pg::schema_migrations();
  next.push_back({latest() + 1, "held requests",
                  "CREATE TABLE held (request_id TEXT PRIMARY KEY);"
                  "INSERT INTO held SELECT id FROM requests "
                  "WHERE state = 'waiting_retry';"});
  CHECK(pg::migrate(c, next) == 1);
  CHECK(pg::schema_version(c) == latest() + 1);
  CHECK(has_table(c, "held"));
  CHECK(pg::migrate(c, next) == 0);

  auto broken = next;
  broken.push_back({latest() + 2, "broken",
                    "CREATE TABLE half (a INTEGER);"
                    "INSERT INTO nowhere VALUES (1);"});
  CHECK_THROWS_AS(pg::migrate(c, broken), storage::storage_error);
  CHECK(pg::schema_version(c) == latest() + 1);
  CHECK_FALSE(has_table(c, "half"));
  // The connection is usable after the failed step.
  CHECK(count(c, "SELECT COUNT(*) FROM held") == 0);
}

TEST_CASE("a PostgreSQL database from a newer release is refused",
          "[migrations][postgres]") {
  if (!test::postgres_available("PostgreSQL newer schema"))
    return;
  test::postgres_database db;
  {
    pg::connection c{db.url()};
    pg::migrate(c);
    c.exec("INSERT INTO schema_migrations VALUES (99, 'future', 0)");
  }
  try {
    storage::open_backend(db.url())->open_journal();
    FAIL("opened a database of schema version 99");
  } catch (const storage::storage_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("version 99"));
  }
  pg::connection c{db.url()};
  CHECK(pg::schema_version(c) == 99);
}
