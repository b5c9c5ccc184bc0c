// The storage seam's factory: a location opens its backend and every store
// works on the one database; an empty location is refused; the SQLite
// read side's housekeeping gives the WAL's disk space back once idle.

#include "persistence/backend.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/persistence/storage_fixture.hpp"

using namespace usms;

namespace {

ticket_request create(const std::string& id) {
  ticket_request r;
  r.id = id;
  r.fields["Summary"] = "seam";
  r.source = "nms";
  r.external_reference = id;
  r.accepted_at = 1000;
  return r;
}

void journal_creates(storage::journal_store& j, int from, int n) {
  j.begin();
  for (int i = from; i < from + n; ++i)
    j.append(create("r" + std::to_string(i)));
  j.commit();
}

} // namespace

TEST_CASE("a location opens its backend, and every store works on it",
          "[storage]") {
  USMS_ON_EACH_BACKEND(where);
  auto storage = where.open();
  CHECK_THAT(storage->describe(), Catch::Contains(test::name_of(where.kind())));
  auto journal = storage->open_journal();
  auto reader = storage->open_reader();
  auto ops = storage->open_operator();
  auto offload = storage->open_offload();
  reader->maintain();
  CHECK(storage->readiness_problem().empty());

  journal_creates(*journal, 1, 1);
  auto rec = reader->request("r1");
  REQUIRE(rec);
  CHECK(rec->request.fields.at("Summary") == "seam");
  CHECK_FALSE(reader->request("nope"));

  request_outcome out;
  out.state = request_state::succeeded;
  out.ticket_id = "INC1";
  out.finished_at = 2000;
  journal->begin();
  journal->finish(create("r1"), out, "pending");
  journal->commit();
  CHECK(ops->status_entries() == 1);
  CHECK(offload->count_rows() == 1);
  REQUIRE(journal->pending_replies().size() == 1);

  ops->put_route("*", "http://hooks/default");
  CHECK(ops->find_route("nms") == "http://hooks/default");
  CHECK(where.open()->open_operator()->routes().size() == 1);
}

TEST_CASE("a file path opens SQLite, and no location is refused", "[storage]") {
  test::temp_dir dir;
  auto path = dir.path() + "/gw.db";
  auto storage = storage::open_backend(path);
  CHECK_THAT(storage->describe(),
             Catch::Contains("SQLite") && Catch::Contains(path));
  auto url = storage::open_backend("postgresql://gw:S3CRET@db.example/usms");
  CHECK_THAT(url->describe(),
             Catch::Contains("PostgreSQL") && !Catch::Contains("S3CRET"));
  CHECK_THROWS_AS(storage::open_backend(""), storage::storage_error);
  CHECK_THROWS_AS(storage::open_backend("sqlite:"), storage::storage_error);
}

TEST_CASE("sqlite:PATH and a resolved target open the same file", "[storage]") {
  test::temp_dir dir;
  auto path = dir.path() + "/gw.db";
  storage::open_backend("sqlite:" + path)
      ->open_operator()
      ->put_route("nms", "http://hooks/nms");
  config::storage_target target{config::storage_backend::sqlite, path,
                                "storage.url"};
  CHECK(storage::open_backend(target)->open_operator()->find_route("nms")
        == "http://hooks/nms");
}

TEST_CASE("readiness names a storage that cannot take writes", "[storage]") {
  test::temp_dir dir;
  auto missing = storage::open_backend(dir.path() + "/gone/gw.db");
  CHECK_THAT(missing->readiness_problem(), Catch::Contains("not writable"));
}

TEST_CASE("housekeeping gives the WAL's disk space back once idle",
          "[storage][wal]") {
  test::temp_dir dir;
  auto path = dir.path() + "/gw.db";
  auto storage = storage::open_backend(path);
  auto journal = storage->open_journal();
  auto reader = storage->open_reader();
  auto wal_size = [&] { return std::filesystem::file_size(path + "-wal"); };

  journal_creates(*journal, 1, 200);
  REQUIRE(wal_size() > 0);
  // The first call copies the log into the database; the log is cut only
  // once a call finds nothing new since the one before.
  reader->maintain();
  CHECK(wal_size() > 0);
  reader->maintain();
  CHECK(wal_size() == 0);

  // Writes that came in between keep the log for one more call.
  journal_creates(*journal, 201, 10);
  reader->maintain();
  CHECK(wal_size() > 0);
  reader->maintain();
  CHECK(wal_size() == 0);
  CHECK(reader->request("r205"));
}
