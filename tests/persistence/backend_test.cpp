// The storage seam's factory: a file path opens SQLite and every store
// works on the one file; a PostgreSQL URL is refused with a reason; the
// read side's housekeeping gives the WAL's disk space back once idle.

#include "persistence/backend.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/test_support.hpp"

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

TEST_CASE("a file path opens SQLite, and every store works on the one file",
          "[storage]") {
  test::temp_dir dir;
  auto path = dir.path() + "/gw.db";
  auto storage = storage::open_backend(path);
  CHECK_THAT(storage->describe(), Catch::Contains("SQLite")
                                    && Catch::Contains(path));
  auto journal = storage->open_journal();
  auto reader = storage->open_reader();
  auto ops = storage->open_operator();
  auto offload = storage->open_offload();
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

  // Reply delivery states: listed while due, recorded in order.
  REQUIRE(journal->pending_replies().size() == 1);
  journal->begin();
  journal->save_reply_states({{"r1", "pending", 1, "HTTP 500"},
                              {"r1", "delivered", 2, ""}});
  journal->commit();
  CHECK(journal->pending_replies().empty());
  rec = reader->request("r1");
  REQUIRE(rec);
  CHECK(rec->reply_state == "delivered");
  CHECK(rec->reply_attempts == 2);

  ops->put_route("*", "http://hooks/default");
  CHECK(ops->find_route("nms") == "http://hooks/default");
  CHECK(storage::open_backend(path)->open_operator()->routes().size() == 1);
}

TEST_CASE("a PostgreSQL URL or no location is refused with a reason",
          "[storage]") {
  for (auto url :
       {"postgresql://gw:S3CRET@db.example/usms", "postgres://db/usms"}) {
    INFO(url);
    try {
      storage::open_backend(url);
      FAIL("opened " << url);
    } catch (const storage::storage_error& e) {
      CHECK_THAT(e.what(), Catch::Contains("PostgreSQL"));
      CHECK_THAT(e.what(), !Catch::Contains("S3CRET"));
    }
  }
  CHECK_THROWS_AS(storage::open_backend(""), storage::storage_error);
  CHECK_THROWS_AS(storage::open_backend("sqlite:"), storage::storage_error);
}

TEST_CASE("sqlite:PATH and a resolved target open the same file",
          "[storage]") {
  test::temp_dir dir;
  auto path = dir.path() + "/gw.db";
  storage::open_backend("sqlite:" + path)->open_operator()->put_route(
    "nms", "http://hooks/nms");
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
