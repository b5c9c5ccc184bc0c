// The alarm tables on every backend: a change written by the journal under
// its version (a stale version writes nothing), its events and the requests
// it causes, the read side's lookups and pages, forgetting, the sync
// cursors and what the engine reads at start.

#include <catch2/catch.hpp>

#include "tests/persistence/storage_fixture.hpp"

using namespace usms;

namespace {

alarm_record firing(const std::string& key, int64_t at) {
  alarm_record r;
  r.key = key;
  r.ticket = alarm_ticket::creating;
  r.occurrences = 1;
  r.first_at = at;
  r.last_at = at;
  r.changes = {at};
  r.source = "nms";
  return r;
}

ticket_request alarm_create(const std::string& id, const std::string& key) {
  ticket_request r;
  r.id = id;
  r.act = action::create;
  r.type = ticket_type::incident;
  r.fields["Summary"] = "alarm " + key;
  r.external_reference = "alarm:" + key;
  r.cause = request_cause::alarm_firing;
  r.alarm_key = key;
  r.accepted_at = 1000;
  return r;
}

alarm_commit change(const std::string& key, int64_t version,
                    alarm_record record) {
  alarm_commit c;
  c.key = key;
  c.version = version;
  c.record = std::move(record);
  return c;
}

/// One change in a group of its own, committed.
alarm_commit_result write(storage::journal_store& j, const alarm_commit& c) {
  j.begin();
  auto res = j.write_alarm(c);
  j.commit();
  return res;
}

} // namespace

TEST_CASE("an alarm change is written under its version with its events "
          "and requests",
          "[storage][alarms]") {
  USMS_ON_EACH_BACKEND(where);
  auto storage = where.open();
  auto journal = storage->open_journal();
  auto alarms = storage->open_alarms();

  auto first = change("k1", 0, firing("k1", 5000));
  first.due_at = 9000;
  first.events.push_back({"e1", "k1", alarm_signal::firing, 5000, "nms", "r1"});
  first.requests.push_back(alarm_create("r1", "k1"));
  auto res = write(*journal, first);
  CHECK_FALSE(res.conflict);
  CHECK(res.version == 1);
  REQUIRE(res.seqs.size() == 1);

  auto stored = alarms->alarm("k1");
  REQUIRE(stored);
  CHECK(stored->version == 1);
  CHECK(stored->record == first.record);
  auto rec = journal->load("r1");
  REQUIRE(rec);
  CHECK(rec->request.cause == request_cause::alarm_firing);
  CHECK(rec->request.alarm_key == "k1");

  // A writer that decided on version 0 again conflicts: nothing written.
  auto stale = change("k1", 0, firing("k1", 6000));
  stale.events.push_back({"e2", "k1", alarm_signal::firing, 6000, "nms", "r2"});
  stale.requests.push_back(alarm_create("r2", "k1"));
  auto refused = write(*journal, stale);
  CHECK(refused.conflict);
  CHECK_FALSE(journal->load("r2"));
  CHECK(alarms->alarm("k1")->record.first_at == 5000);

  auto next = firing("k1", 5000);
  next.ticket = alarm_ticket::open;
  next.ticket_id = "INC7";
  next.occurrences = 2;
  CHECK(write(*journal, change("k1", 1, next)).version == 2);
  CHECK(alarms->alarm("k1")->record.ticket_id == "INC7");
  auto by_ticket = alarms->by_tickets({"INC7", ""});
  REQUIRE(by_ticket.size() == 1);
  CHECK(by_ticket[0].record.key == "k1");

  write(*journal, change("k2", 0, firing("k2", 7000)));
  auto page = alarms->list({});
  CHECK(page.total == 2);
  REQUIRE(page.alarms.size() == 2);
  CHECK(page.alarms[0].key == "k2"); // newest last event first
  CHECK(alarms->alarms({"k2", "nope", "k1"}).size() == 2);
  alarm_filter open;
  open.state = "open";
  open.limit = 1;
  auto one = alarms->list(open);
  CHECK(one.total == 2);
  CHECK(one.alarms.size() == 1);

  // The engine's start: the alarm waiting for its ticket, its create.
  auto start = alarms->startup();
  CHECK(start.pending.size() == 1);
  REQUIRE_FALSE(start.active.empty());

  // Forgotten: the row and its events go.
  alarm_commit forget;
  forget.key = "k1";
  forget.version = 2;
  forget.forget = true;
  CHECK(write(*journal, forget).version == 0);
  CHECK_FALSE(alarms->alarm("k1"));
  journal->begin();
  CHECK(journal->prune_alarm_events(1'000'000) == 0);
  journal->commit();
}

TEST_CASE("sync cursors, resolved alarms and old events",
          "[storage][alarms]") {
  USMS_ON_EACH_BACKEND(where);
  auto storage = where.open();
  auto journal = storage->open_journal();
  auto alarms = storage->open_alarms();
  journal->begin();
  journal->save_sync_cursor({"incident", 4000, {"INC1", "INC2"}});
  journal->save_sync_cursor({"incident", 5000, {"INC3"}});
  journal->commit();
  auto resolved = firing("k3", 1000);
  resolved.phase = alarm_phase::resolved;
  resolved.ticket = alarm_ticket::resolved;
  resolved.ticket_id = "INC3";
  resolved.resolved_at = 2000;
  auto c = change("k3", 0, resolved);
  c.events.push_back({"e5", "k3", alarm_signal::cleared, 2000, "nms", ""});
  write(*journal, c);
  auto start = alarms->startup();
  REQUIRE(start.cursors.size() == 1);
  CHECK(start.cursors[0].updated_since == 5000);
  CHECK(start.cursors[0].seen == std::vector<std::string>{"INC3"});
  CHECK(start.oldest_ticket_at == 1000);
  CHECK(alarms->resolved_before(1500, 10).empty());
  CHECK(alarms->resolved_before(2500, 10) == std::vector<std::string>{"k3"});
  journal->begin();
  CHECK(journal->prune_alarm_events(2001) == 1);
  journal->commit();
}
