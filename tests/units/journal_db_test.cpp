#include "persistence/journal_db.hpp"

#include <catch2/catch.hpp>

#include "tests/support/test_support.hpp"

using namespace usms;

namespace {

ticket_request create_request(const std::string& id, const std::string& ref) {
  ticket_request r;
  r.id = id;
  r.act = action::create;
  r.type = ticket_type::incident;
  r.fields["Summary"] = "x, \"quoted\" <tag>";
  r.correlation_id = ref;
  r.external_reference = ref;
  r.accepted_at = 1000;
  return r;
}

} // namespace

TEST_CASE("journaled requests survive reopening and resume in order") {
  test::temp_dir dir;
  auto path = dir.path() + "/j.db";
  {
    db::journal_db j{path};
    j.begin();
    j.append(create_request("r1", "a"));
    j.append(create_request("r2", "b"));
    request_progress p;
    p.state = request_state::in_flight;
    p.attempts = 1;
    p.sending = true;
    j.update_progress("r2", p);
    j.commit();
  }
  db::journal_db j{path};
  auto recs = j.load_unfinished();
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].request.id == "r1");
  CHECK(recs[0].request.fields.at("Summary") == "x, \"quoted\" <tag>");
  CHECK(recs[1].progress.sending);
  CHECK(recs[1].progress.attempts == 1);
}

TEST_CASE("an idempotency key journals one request") {
  test::temp_dir dir;
  db::journal_db j{dir.path() + "/j.db"};
  auto r = create_request("r1", "a");
  r.idempotency_key = "k";
  CHECK_FALSE(j.append(r).existed);
  r.id = "r2";
  auto again = j.append(r);
  CHECK(again.existed);
  CHECK(again.id == "r1");
}

TEST_CASE("finishing writes one status row and counts confirmed creates") {
  test::temp_dir dir;
  db::journal_db j{dir.path() + "/j.db"};
  auto r = create_request("r1", "alarm-1");
  j.append(r);
  request_outcome out;
  out.state = request_state::succeeded;
  out.ticket_id = "INC1";
  out.attempts = 1;
  out.finished_at = 2000;
  auto row = j.finish(r, out, "");
  REQUIRE(row);
  CHECK(row->status == "Succeeded");
  CHECK(row->ticket_id == "INC1");
  CHECK(j.confirmed_creates("alarm-1") == 1);
  CHECK(j.status_count() == 1);
  CHECK(j.load_unfinished().empty());
  CHECK_FALSE(j.requeue("r1")); // a succeeded create never runs twice
  auto failed = out;
  failed.state = request_state::failed;
  failed.reason = "USMS rejected it";
  auto r2 = create_request("r2", "alarm-2");
  j.append(r2);
  CHECK(j.finish(r2, failed, "")->status == "Failed");
  CHECK(j.confirmed_creates("alarm-2") == 0);
  CHECK(j.status_count() == 2);
  CHECK(j.requeue("r2"));
  CHECK(j.load_unfinished().size() == 1);
}
