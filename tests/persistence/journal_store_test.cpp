// The journal store on every backend: requests journaled in groups survive
// a reopen in journal order, a create journaled with its sending mark reads
// back marked, an idempotency key journals one request,
// finishing writes one status row and counts confirmed creates, failed
// requests go back to the queue, reply states are recorded in order.

#include <catch2/catch.hpp>

#include <set>

#include "tests/persistence/storage_fixture.hpp"

using namespace usms;

namespace {

ticket_request create_request(const std::string& id, const std::string& ref) {
  ticket_request r;
  r.id = id;
  r.act = action::create;
  r.type = ticket_type::incident;
  r.fields["Summary"] = "x, \"quoted\" <tag> é";
  r.correlation_id = ref;
  r.external_reference = ref;
  r.source = "nms";
  r.accepted_at = 1000;
  return r;
}

request_outcome outcome(request_state state, const std::string& ticket = {},
                        const std::string& reason = {}) {
  request_outcome out;
  out.state = state;
  out.ticket_id = ticket;
  out.reason = reason;
  out.attempts = 1;
  out.finished_at = 2000;
  return out;
}

/// Every unfinished request as a restart reads them back, in journal order.
std::vector<request_record> unfinished(storage::read_store& reader) {
  std::vector<index_row> index;
  for (auto state : {request_state::queued, request_state::in_flight,
                     request_state::waiting_retry})
    for (auto& row : reader.unfinished_index(state, 0, 1000))
      index.push_back(row);
  std::sort(index.begin(), index.end(),
            [](auto& a, auto& b) { return a.seq < b.seq; });
  std::vector<int64_t> seqs;
  for (auto& row : index)
    seqs.push_back(row.seq);
  return reader.requests_by_seq(seqs);
}

} // namespace

TEST_CASE("journaled requests survive reopening and resume in order",
          "[storage][journal]") {
  USMS_ON_EACH_BACKEND(where);
  {
    auto j = where.open()->open_journal();
    j->begin();
    CHECK(j->in_transaction());
    auto a = j->append(create_request("r1", "a"));
    auto b = j->append(create_request("r2", "b"));
    CHECK(a.seq < b.seq);
    request_progress p;
    p.state = request_state::in_flight;
    p.attempts = 1;
    p.sending = true;
    j->update_progress("r2", p);
    j->commit();
    CHECK_FALSE(j->in_transaction());
  }
  auto reader = where.open()->open_reader();
  auto recs = unfinished(*reader);
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].request.id == "r1");
  CHECK(recs[0].request.fields.at("Summary") == "x, \"quoted\" <tag> é");
  CHECK(recs[0].request.source == "nms");
  CHECK(recs[1].progress.sending);
  CHECK(recs[1].progress.attempts == 1);
  CHECK(recs[1].progress.state == request_state::in_flight);
  auto index = reader->unfinished_index(request_state::queued, 0, 10);
  REQUIRE(index.size() == 1);
  CHECK(index[0].serial_key == "x:a");
  CHECK(index[0].clock_start == 1000);
  // In the order asked, unknown ones left out.
  auto by_seq = reader->requests_by_seq({recs[1].seq, 999999, recs[0].seq});
  REQUIRE(by_seq.size() == 2);
  CHECK(by_seq[0].request.id == "r2");
  CHECK(by_seq[1].request.id == "r1");
}

TEST_CASE("a create journaled with its sending mark reads back in flight, "
          "marked, like one marked by a progress write",
          "[storage][journal]") {
  USMS_ON_EACH_BACKEND(where);
  {
    auto j = where.open()->open_journal();
    j->begin();
    auto plain = j->append(create_request("r1", "a"));
    auto marked = j->append_sending(create_request("r2", "b"));
    j->commit();
    CHECK_FALSE(marked.existed);
    CHECK(plain.seq < marked.seq);
  }
  auto reader = where.open()->open_reader();
  auto recs = unfinished(*reader);
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].request.id == "r1");
  CHECK(recs[0].progress.state == request_state::queued);
  CHECK_FALSE(recs[0].progress.sending);
  CHECK(recs[1].request.id == "r2");
  CHECK(recs[1].progress.state == request_state::in_flight);
  CHECK(recs[1].progress.sending);
  CHECK(recs[1].progress.attempts == 0);
  CHECK(recs[1].request.fields.at("Summary") == "x, \"quoted\" <tag> é");
  // A restart indexes it among the in-flight ones (it looks it up first).
  auto in_flight = reader->unfinished_index(request_state::in_flight, 0, 10);
  REQUIRE(in_flight.size() == 1);
  CHECK(in_flight[0].id == "r2");
  CHECK(in_flight[0].serial_key == "x:b");
}

TEST_CASE("an idempotency key journals one request", "[storage][journal]") {
  USMS_ON_EACH_BACKEND(where);
  auto j = where.open()->open_journal();
  auto r = create_request("r1", "a");
  r.idempotency_key = "k";
  CHECK_FALSE(j->append(r).existed);
  r.id = "r2";
  auto again = j->append(r);
  CHECK(again.existed);
  CHECK(again.id == "r1");
  // Within one group as well: the second sees the first.
  j->begin();
  r.idempotency_key = "k2";
  r.id = "r3";
  CHECK_FALSE(j->append(r).existed);
  r.id = "r4";
  auto same_group = j->append(r);
  j->commit();
  CHECK(same_group.existed);
  CHECK(same_group.id == "r3");
  CHECK(j->load("r3"));
  CHECK_FALSE(j->load("r4"));
}

TEST_CASE("finishing writes one status row and counts confirmed creates",
          "[storage][journal]") {
  USMS_ON_EACH_BACKEND(where);
  auto storage = where.open();
  auto j = storage->open_journal();
  auto reader = storage->open_reader();
  auto r = create_request("r1", "alarm-1");
  j->append(r);
  auto row = j->finish(r, outcome(request_state::succeeded, "INC1"), "");
  REQUIRE(row);
  CHECK(row->status == "Succeeded");
  CHECK(row->ticket_id == "INC1");
  CHECK(row->row_id > 0);
  CHECK(j->confirmed_creates("alarm-1") == 1);
  CHECK(j->status_count() == 1);
  CHECK(unfinished(*reader).empty());
  CHECK_FALSE(j->requeue("r1")); // a succeeded create never runs twice
  auto r2 = create_request("r2", "alarm-2");
  j->append(r2);
  auto failed = j->finish(
      r2, outcome(request_state::failed, "", "USMS rejected it"), "");
  REQUIRE(failed);
  CHECK(failed->status == "Failed");
  CHECK(failed->row_id > row->row_id);
  CHECK(j->confirmed_creates("alarm-2") == 0);
  CHECK(j->status_count() == 2);
  auto back = j->requeue("r2");
  REQUIRE(back);
  CHECK(back->id == "r2");
  CHECK(back->clock_start > 1000); // the give-up clock restarts
  auto again = unfinished(*reader);
  REQUIRE(again.size() == 1);
  CHECK(again[0].progress.attempts == 0);
  CHECK(again[0].progress.retried_at > 0);
  CHECK_FALSE(again[0].outcome);
  // The status table keeps what happened.
  CHECK(j->status_count() == 2);
  // A second success of the same reference counts twice.
  auto r3 = create_request("r3", "alarm-1");
  j->begin();
  j->append(r3);
  j->finish(r3, outcome(request_state::succeeded, "INC3"), "");
  j->commit();
  CHECK(j->confirmed_creates("alarm-1") == 2);
}

TEST_CASE("failed requests matching a filter go back to the queue",
          "[storage][journal]") {
  USMS_ON_EACH_BACKEND(where);
  auto j = where.open()->open_journal();
  auto fail = [&](const std::string& id, const std::string& source,
                  const std::string& reason) {
    auto r = create_request(id, id);
    r.source = source;
    j->begin();
    j->append(r);
    j->finish(r, outcome(request_state::failed, "", reason), "");
    j->commit();
  };
  fail("f1", "mon", "Connection REFUSED");
  fail("f2", "mon", "USMS rejected it");
  fail("f3", "auto", "connection refused");
  auto ok = create_request("s1", "s1");
  j->append(ok);
  j->finish(ok, outcome(request_state::succeeded, "INC9"), "");

  status_filter f;
  f.source = "mon";
  f.q = "refused";
  auto back = j->requeue_failed(f);
  REQUIRE(back.size() == 1); // case-insensitive, source respected
  CHECK(back[0].id == "f1");
  CHECK(j->requeue_failed(f).empty()); // queued now, not failed
  back = j->requeue_failed({});
  REQUIRE(back.size() == 2);
  CHECK(back[0].id == "f2"); // in journal order
  CHECK(back[1].id == "f3");
  CHECK(j->load("s1")->progress.state == request_state::succeeded);

  // The free text finds a failed update by its ticket, which only its
  // status row holds; the succeeded create's ticket retries nothing.
  auto update = create_request("u1", "");
  update.act = action::update;
  update.ticket_id = "INC0042";
  j->begin();
  j->append(update);
  j->finish(update, outcome(request_state::failed, "", "NOT_FOUND"), "");
  j->commit();
  status_filter by_ticket;
  by_ticket.q = "inc0042";
  back = j->requeue_failed(by_ticket);
  REQUIRE(back.size() == 1);
  CHECK(back[0].id == "u1");
  by_ticket.q = "INC9";
  CHECK(j->requeue_failed(by_ticket).empty());
}

TEST_CASE("a group rolled back leaves nothing, and the next one commits",
          "[storage][journal]") {
  USMS_ON_EACH_BACKEND(where);
  auto j = where.open()->open_journal();
  j->begin();
  j->append(create_request("gone", "g"));
  j->rollback();
  CHECK_FALSE(j->in_transaction());
  CHECK_FALSE(j->load("gone"));
  // Large groups: appends, progress and finishes, their numbers in order.
  j->begin();
  int64_t last = 0;
  std::set<int64_t> row_ids;
  for (int i = 0; i < 1500; ++i) {
    auto r = create_request("g" + std::to_string(i), "ref" + std::to_string(i));
    auto res = j->append(r);
    CHECK(res.seq > last);
    last = res.seq;
    if (i % 3 == 0)
      row_ids.insert(j->finish(r,
                               outcome(request_state::succeeded,
                                       "INC" + std::to_string(i)),
                               "")
                         ->row_id);
  }
  j->commit();
  CHECK(row_ids.size() == 500);
  CHECK(j->status_count() == 500);
  CHECK(j->confirmed_creates("ref3") == 1);
  CHECK(j->load("g1499"));
  auto reader = where.open()->open_reader();
  CHECK(unfinished(*reader).size() == 1000);
}

TEST_CASE("reply delivery states: listed while due, recorded in order",
          "[storage][journal]") {
  USMS_ON_EACH_BACKEND(where);
  auto storage = where.open();
  auto j = storage->open_journal();
  auto reader = storage->open_reader();
  auto r = create_request("r1", "a");
  r.reply_to = "http://hooks/a";
  j->append(r);
  j->finish(r, outcome(request_state::succeeded, "INC1"), "pending");
  auto due = j->pending_replies();
  REQUIRE(due.size() == 1);
  CHECK(due[0].request.reply_to == "http://hooks/a");
  CHECK(due[0].outcome->ticket_id == "INC1");
  j->begin();
  j->save_reply_states(
      {{"r1", "pending", 1, "HTTP 500"}, {"r1", "delivered", 2, ""}});
  j->commit();
  CHECK(j->pending_replies().empty());
  auto rec = reader->request("r1");
  REQUIRE(rec);
  CHECK(rec->reply_state == "delivered");
  CHECK(rec->reply_attempts == 2);
  CHECK(rec->reply_error.empty());
}
