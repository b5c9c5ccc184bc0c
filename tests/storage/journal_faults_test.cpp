// The journal actor when writes fail: one write that fails half-way is
// taken back whole while the rest of its group commits, and a database
// that refuses writes is answered 503 (storage_unavailable), shows as not
// writable, and is noticed writable again without any write to retry.

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "actors/journal.hpp"
#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/scoped_actor.hpp"
#include "messages/caf/errors.hpp"
#include "messages/caf/type_ids.hpp"
#include "metrics/gateway_metrics.hpp"
#include "persistence/journal_db.hpp"
#include "tests/support/test_support.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;

struct journal_test_config : caf::actor_system_config {
  journal_test_config() {
    add_message_types<caf::id_block::usms_gateway>();
    set("scheduler.max-threads", 2);
  }
};

ticket_request create_request(const std::string& id) {
  ticket_request r;
  r.id = id;
  r.act = action::create;
  r.type = ticket_type::incident;
  r.fields["Summary"] = "s";
  r.external_reference = id;
  r.accepted_at = 1000;
  return r;
}

request_outcome succeeded() {
  request_outcome out;
  out.state = request_state::succeeded;
  out.ticket_id = "INC1";
  out.attempts = 1;
  out.finished_at = 2000;
  return out;
}

/// A database with the schema, request `bad` journaled, and a trigger that
/// refuses `bad`'s status row: finishing it fails after its UPDATE ran.
std::string prepared_database(const temp_dir& dir) {
  auto path = dir.path() + "/j.db";
  db::journal_db j{path};
  j.begin();
  j.append(create_request("bad"));
  j.commit();
  db::database raw{path};
  raw.exec("CREATE TRIGGER refuse_bad BEFORE INSERT ON status_rows "
           "WHEN NEW.request_id = 'bad' "
           "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  return path;
}

/// The journal actor on a prepared database, stopped at the end.
struct journal_fixture {
  temp_dir dir;
  std::string path = prepared_database(dir);
  journal_test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  journal_actor journal = spawn_journal(sys, path);

  ~journal_fixture() {
    self->send_exit(journal, caf::exit_reason::user_shutdown);
  }
};

} // namespace

TEST_CASE_METHOD(
    journal_fixture,
    "a write failing half-way is taken back whole, and the rest of its "
    "group commits",
    "[storage][journal]") {
  // Another connection holds the write lock a moment: the three writes
  // queue up behind the first and join one group.
  db::database other{path};
  other.exec("BEGIN IMMEDIATE");
  auto a = self->request(journal, caf::infinite, append_atom_v,
                         create_request("a"));
  auto bad = self->request(journal, caf::infinite, finish_atom_v,
                           create_request("bad"), succeeded(), std::string{});
  auto b = self->request(journal, caf::infinite, append_atom_v,
                         create_request("b"));
  std::this_thread::sleep_for(300ms);
  other.exec("COMMIT");
  int answered = 0;
  a.receive([&](std::string&, bool, int64_t) { ++answered; },
            [&](caf::error& e) { FAIL(to_string(e)); });
  bad.receive([&](bool) { FAIL("the refused finish was answered"); },
              [&](caf::error& e) {
                // A failure of the database itself, not of its disk.
                CHECK(e == gateway_errc::storage);
                ++answered;
              });
  b.receive([&](std::string&, bool, int64_t) { ++answered; },
            [&](caf::error& e) { FAIL(to_string(e)); });
  CHECK(answered == 3);

  db::journal_db check{path};
  auto rec = check.load("bad");
  REQUIRE(rec);
  // Its UPDATE was taken back with the refused INSERT: still unfinished,
  // so it resumes; no half-finished request, no status row.
  CHECK(rec->progress.state == request_state::queued);
  CHECK_FALSE(rec->outcome);
  CHECK(check.status_count() == 0);
  CHECK(check.load("a"));
  CHECK(check.load("b"));
}

TEST_CASE_METHOD(
    journal_fixture,
    "a database that refuses writes: 503, not writable, and writable "
    "again by itself once it takes writes",
    "[storage][journal]") {
  metrics().database_ok();
  // A lock held past the busy timeout: the journal cannot write.
  db::database other{path};
  other.exec("BEGIN IMMEDIATE");
  self->request(journal, caf::infinite, append_atom_v, create_request("late"))
      .receive([&](std::string&, bool, int64_t) { FAIL("accepted"); },
               [&](caf::error& e) {
                 CHECK(e == gateway_errc::storage_unavailable);
               });
  CHECK_FALSE(metrics().database_error().empty());
  other.exec("COMMIT");
  // Nobody writes: the journal's own probe finds the database writable.
  CHECK(wait_until([] { return metrics().database_error().empty(); }, 5s));
  self->request(journal, caf::infinite, append_atom_v, create_request("late"))
      .receive([&](std::string& id, bool, int64_t) { CHECK(id == "late"); },
               [&](caf::error& e) { FAIL(to_string(e)); });
}

} // namespace usms::test
