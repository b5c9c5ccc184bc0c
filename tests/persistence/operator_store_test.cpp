// The operator's store (read side and operator tables) on every backend,
// filled through the journal's own write path: status pages and filters,
// free text, trend samples, the queue, reply routes, runtime values.

#include <catch2/catch.hpp>

#include "persistence/filters.hpp"
#include "tests/persistence/storage_fixture.hpp"

using namespace usms;

namespace {

/// Rows filled through the journal's own write path, so that they look
/// exactly like the gateway's.
struct fixture {
  explicit fixture(const test::test_storage& where)
      : storage(where.open()), journal_store(storage->open_journal()),
        ops_store(storage->open_operator()) {}

  std::shared_ptr<const storage::backend> storage;
  std::unique_ptr<storage::journal_store> journal_store;
  std::unique_ptr<storage::operator_store> ops_store;
  storage::journal_store& journal = *journal_store;
  storage::operator_store& ops = *ops_store;
  int next = 0;

  ticket_request make(action act, ticket_type type, std::string source) {
    ticket_request r;
    r.id = "req-" + std::to_string(++next);
    r.act = act;
    r.type = type;
    r.source = std::move(source);
    r.correlation_id = "corr-" + std::to_string(next);
    r.external_reference = r.id;
    r.fields["Summary"] = "s";
    r.accepted_at = 1'000'000 + next;
    return r;
  }

  /// Journals and finishes a request at `finished_at`.
  ticket_request finish(action act, ticket_type type, std::string source,
                        int64_t finished_at, request_state state,
                        std::string reason = {}) {
    auto r = make(act, type, std::move(source));
    journal.begin();
    journal.append(r);
    request_outcome out;
    out.state = state;
    out.ticket_id = state == request_state::succeeded ? "INC-" + r.id : "";
    out.reason = std::move(reason);
    out.attempts = 1;
    out.finished_at = finished_at;
    journal.finish(r, out, "");
    journal.commit();
    return r;
  }

  ticket_request enqueue(ticket_type type, std::string source) {
    auto r = make(action::create, type, std::move(source));
    journal.begin();
    journal.append(r);
    journal.commit();
    return r;
  }
};

} // namespace

TEST_CASE("status pages come newest first with totals", "[storage][operator]") {
  USMS_ON_EACH_BACKEND(where);
  fixture fx{where};
  auto& ops = fx.ops;
  for (int i = 0; i < 25; ++i)
    fx.finish(action::create, ticket_type::incident, "mon", 2'000'000 + i * 10,
              request_state::succeeded);
  status_filter f;
  f.limit = 10;
  auto first = ops.status(f);
  CHECK(first.total == 25);
  CHECK(first.entries == 25);
  REQUIRE(first.rows.size() == 10);
  CHECK(first.rows.front().finished_at == 2'000'240);
  for (std::size_t i = 1; i < first.rows.size(); ++i)
    CHECK(first.rows[i - 1].finished_at > first.rows[i].finished_at);
  f.offset = 20;
  auto last = ops.status(f);
  REQUIRE(last.rows.size() == 5);
  CHECK(last.rows.back().finished_at == 2'000'000);
  CHECK(last.rows.back().status == "Succeeded");
  CHECK(last.rows.back().ticket_id == "INC-" + last.rows.back().request_id);
  CHECK(last.rows.back().source == "mon");
  CHECK(last.rows.back().attempts == 1);
  f.offset = 25;
  CHECK(ops.status(f).rows.empty());
}

TEST_CASE("same finish time: the later row comes first",
          "[storage][operator]") {
  USMS_ON_EACH_BACKEND(where);
  fixture fx{where};
  auto& ops = fx.ops;
  auto a = fx.finish(action::create, ticket_type::incident, "", 5000,
                     request_state::succeeded);
  auto b = fx.finish(action::create, ticket_type::incident, "", 5000,
                     request_state::succeeded);
  auto page = ops.status({});
  REQUIRE(page.rows.size() == 2);
  CHECK(page.rows[0].request_id == b.id);
  CHECK(page.rows[1].request_id == a.id);
}

TEST_CASE("status filters combine", "[storage][operator]") {
  USMS_ON_EACH_BACKEND(where);
  fixture fx{where};
  auto& ops = fx.ops;
  fx.finish(action::create, ticket_type::incident, "mon", 100,
            request_state::succeeded);
  fx.finish(action::create, ticket_type::change, "mon", 200,
            request_state::failed, "USMS refused: Summary is required");
  fx.finish(action::update, ticket_type::incident, "auto", 300,
            request_state::failed, "connection refused (after 4 attempts)");
  fx.finish(action::query, ticket_type::problem, "auto", 400,
            request_state::succeeded);
  fx.finish(action::create, ticket_type::incident, "mon", 500,
            request_state::cancelled, "cancelled by an operator");

  auto count = [&](status_filter f) { return ops.status(f).total; };
  status_filter f;
  CHECK(count(f) == 5);
  f.status = "Failed";
  CHECK(count(f) == 3); // cancelled counts as Failed
  f.source = "mon";
  CHECK(count(f) == 2);
  f = {};
  f.action = "create";
  CHECK(count(f) == 3);
  f.type = "incident";
  CHECK(count(f) == 2);
  f = {};
  f.since = 200;
  f.until = 400;
  CHECK(count(f) == 3); // both bounds included
  f = {};
  f.q = "REFUSED";
  CHECK(count(f) == 2); // case-insensitive, anywhere in the reason
  f.q = "refused:";
  CHECK(count(f) == 1);
  auto page = ops.status(f);
  CHECK(page.entries == 5);
  REQUIRE(page.rows.size() == 1);
  CHECK(page.rows[0].type == "change");

  // Also what an operator pastes: a ticket id, a correlation or request id,
  // combined with the other filters.
  f = {};
  f.q = "inc-req-4";
  REQUIRE(ops.status(f).total == 1);
  CHECK(ops.status(f).rows[0].ticket_id == "INC-req-4");
  f.q = "corr-3";
  CHECK(ops.status(f).rows.at(0).request_id == "req-3");
  f.q = "req-5";
  CHECK(count(f) == 1);
  f.status = "Succeeded";
  CHECK(count(f) == 0);
}

TEST_CASE("free text treats % and _ literally", "[storage][operator]") {
  USMS_ON_EACH_BACKEND(where);
  fixture fx{where};
  auto& ops = fx.ops;
  fx.finish(action::create, ticket_type::incident, "", 1, request_state::failed,
            "disk 100% full");
  fx.finish(action::create, ticket_type::incident, "", 2, request_state::failed,
            "disk 1000 full");
  fx.finish(action::create, ticket_type::incident, "", 3, request_state::failed,
            "bad field_name");
  fx.finish(action::create, ticket_type::incident, "", 4, request_state::failed,
            "bad fieldXname");
  fx.finish(action::create, ticket_type::incident, "", 5, request_state::failed,
            "back\\slash");
  status_filter f;
  f.q = "100%";
  CHECK(ops.status(f).total == 1);
  f.q = "field_";
  CHECK(ops.status(f).total == 1);
  f.q = "%";
  CHECK(ops.status(f).total == 1);
  f.q = "k\\s";
  CHECK(ops.status(f).total == 1);
  CHECK(db::escape_like("a%b_c\\") == "a\\%b\\_c\\\\");
}

TEST_CASE("trend samples: range, replace, prune", "[storage][operator]") {
  USMS_ON_EACH_BACKEND(where);
  fixture fx{where};
  auto& ops = fx.ops;
  for (int64_t at = 1000; at <= 10000; at += 1000)
    ops.add_trend_sample(at, at / 1000);
  auto mid = ops.trend(3000, 5000);
  REQUIRE(mid.size() == 3);
  CHECK(mid.front().at == 3000);
  CHECK(mid.front().count == 3);
  CHECK(mid.back().at == 5000);
  ops.add_trend_sample(3000, 42);
  CHECK(ops.trend(3000, 3000).at(0).count == 42);
  CHECK(ops.trend(0, 100000, 4).size() == 4);
  CHECK(ops.prune_trend(6000) == 5);
  auto rest = ops.trend(0, 100000);
  REQUIRE(rest.size() == 5);
  CHECK(rest.front().at == 6000);
}

TEST_CASE("queue lists unfinished requests oldest first",
          "[storage][operator]") {
  USMS_ON_EACH_BACKEND(where);
  fixture fx{where};
  auto& ops = fx.ops;
  auto a = fx.enqueue(ticket_type::incident, "mon");
  auto b = fx.enqueue(ticket_type::change, "auto");
  auto c = fx.enqueue(ticket_type::incident, "auto");
  fx.finish(action::create, ticket_type::incident, "mon", 10,
            request_state::failed, "x");
  request_progress waiting;
  waiting.state = request_state::waiting_retry;
  waiting.attempts = 2;
  waiting.next_attempt_at = 99999;
  waiting.last_error = "HTTP 503";
  fx.journal.begin();
  fx.journal.update_progress(b.id, waiting);
  fx.journal.commit();

  auto all = ops.queue({});
  CHECK(all.total == 3);
  REQUIRE(all.requests.size() == 3);
  CHECK(all.requests[0].request.id == a.id);
  CHECK(all.requests[1].request.id == b.id);
  CHECK(all.requests[1].progress.state == request_state::waiting_retry);
  CHECK(all.requests[1].progress.attempts == 2);
  CHECK(all.requests[1].progress.last_error == "HTTP 503");
  CHECK(all.requests[2].request.id == c.id);

  queue_filter f;
  f.states = {request_state::waiting_retry};
  CHECK(ops.queue(f).total == 1);
  f.states = {request_state::failed};
  auto failed = ops.queue(f);
  REQUIRE(failed.requests.size() == 1);
  CHECK(failed.requests[0].outcome);
  f = {};
  f.source = "auto";
  CHECK(ops.queue(f).total == 2);
  f.type = "incident";
  CHECK(ops.queue(f).total == 1);
  f = {};
  f.limit = 1;
  f.offset = 1;
  auto page = ops.queue(f);
  CHECK(page.total == 3);
  REQUIRE(page.requests.size() == 1);
  CHECK(page.requests[0].request.id == b.id);
}

TEST_CASE("reply routes: CRUD and the default route", "[storage][operator]") {
  USMS_ON_EACH_BACKEND(where);
  fixture fx{where};
  auto& ops = fx.ops;
  CHECK(ops.routes().empty());
  CHECK(ops.find_route("mon") == "");
  ops.put_route("mon", "http://a/hook");
  ops.put_route("*", "http://default/hook");
  ops.put_route("auto", "https://b/hook");
  CHECK(ops.route("mon") == std::optional<std::string>{"http://a/hook"});
  CHECK_FALSE(ops.route("other"));
  CHECK(ops.find_route("mon") == "http://a/hook");
  CHECK(ops.find_route("other") == "http://default/hook");
  CHECK(ops.find_route("") == "http://default/hook");
  ops.put_route("mon", "http://a2/hook");
  auto all = ops.routes();
  REQUIRE(all.size() == 3);
  CHECK(all[0].source == "*");
  CHECK(all[1].source == "auto");
  CHECK(all[2].url == "http://a2/hook");
  CHECK(ops.delete_route("mon"));
  CHECK_FALSE(ops.delete_route("mon"));
  CHECK(ops.find_route("mon") == "http://default/hook");
  CHECK(ops.delete_route("*"));
  CHECK(ops.find_route("mon") == "");

  // Another connection (a restart) sees them.
  auto again = where.open()->open_operator();
  REQUIRE(again->routes().size() == 1);
  CHECK(again->routes()[0].source == "auto");
}

TEST_CASE("runtime config: upsert, snapshot, replace", "[storage][operator]") {
  USMS_ON_EACH_BACKEND(where);
  fixture fx{where};
  auto& ops = fx.ops;
  auto before = ops.save_runtime_config({{"soap.retries", "5"}});
  CHECK(before.empty());
  before = ops.save_runtime_config(
      {{"soap.retries", "7"}, {"usms.max_in_flight", "4"}});
  CHECK(before == std::map<std::string, std::string>{{"soap.retries", "5"}});
  CHECK(ops.runtime_config()
        == std::map<std::string, std::string>{{"soap.retries", "7"},
                                              {"usms.max_in_flight", "4"}});
  ops.replace_runtime_config(before);
  CHECK(ops.runtime_config() == before);
  ops.replace_runtime_config({});
  CHECK(ops.runtime_config().empty());
}
