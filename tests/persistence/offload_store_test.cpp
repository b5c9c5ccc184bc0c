// The offload store on every backend: a batch marks the oldest unmarked
// rows with where their bytes go, is read back, and is either completed
// (rows deleted) or abandoned (rows unmarked); a planner's failure rolls
// the marking back; pending batches survive a reopen.

#include <catch2/catch.hpp>

#include <stdexcept>

#include "tests/persistence/storage_fixture.hpp"

using namespace usms;

namespace {

/// Journals and finishes `n` requests: `n` status rows, oldest first.
void finish_requests(storage::journal_store& j, int n) {
  j.begin();
  for (int i = 0; i < n; ++i) {
    ticket_request r;
    r.id = "r" + std::to_string(i);
    r.fields["Summary"] = "offload";
    r.accepted_at = 1000 + i;
    j.append(r);
    request_outcome out;
    out.state = i % 2 ? request_state::failed : request_state::succeeded;
    out.ticket_id = out.state == request_state::succeeded ? "INC" + r.id : "";
    out.reason = out.ticket_id.empty() ? "no; \"quoted\", reason" : "";
    out.finished_at = 2000 + i;
    j.finish(r, out, "");
  }
  j.commit();
}

storage::batch_plan plan_for(const std::vector<status_row>& rows) {
  storage::batch_plan p;
  p.file = "2024-03-30/status-" + rows.front().request_id + ".csv";
  p.size_before = 100;
  p.size_after = 100 + 10 * static_cast<int64_t>(rows.size());
  p.checksum = 0xfedcba9876543210ull; // the top bit set: stored as is
  return p;
}

} // namespace

TEST_CASE("offload batches: mark the oldest rows, complete or abandon",
          "[storage][offload]") {
  USMS_ON_EACH_BACKEND(where);
  auto storage = where.open();
  auto journal = storage->open_journal();
  auto off = storage->open_offload();
  CHECK(off->count_rows() == 0);
  CHECK_FALSE(off->mark_batch(10, plan_for, 5000));
  finish_requests(*journal, 25);
  CHECK(off->count_rows() == 25);

  auto first = off->mark_batch(10, plan_for, 5000);
  REQUIRE(first);
  CHECK(first->rows == 10);
  CHECK(first->file == "2024-03-30/status-r0.csv");
  CHECK(first->size_after == 200);
  CHECK(first->checksum == 0xfedcba9876543210ull);
  CHECK(first->created_at == 5000);
  auto rows = off->batch_rows(first->batch);
  REQUIRE(rows.size() == 10);
  CHECK(rows.front().request_id == "r0");
  CHECK(rows.back().request_id == "r9");
  CHECK(rows[1].reason == "no; \"quoted\", reason");
  CHECK(rows[0].ticket_id == "INCr0");

  // The next batch takes the next rows; marked rows still count.
  auto second = off->mark_batch(10, plan_for, 6000);
  REQUIRE(second);
  CHECK(second->batch > first->batch);
  CHECK(off->batch_rows(second->batch).front().request_id == "r10");
  CHECK(off->count_rows() == 25);

  // A restart finds both pending, oldest first, exactly as recorded.
  auto again = where.open()->open_offload();
  auto pending = again->pending_batches();
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].batch == first->batch);
  CHECK(pending[0].file == first->file);
  CHECK(pending[0].size_before == 100);
  CHECK(pending[0].size_after == 200);
  CHECK(pending[0].checksum == first->checksum);
  CHECK(pending[0].rows == 10);

  CHECK(again->complete_batch(first->batch) == 10);
  CHECK(again->count_rows() == 15);
  CHECK(again->abandon_batch(second->batch) == 10);
  CHECK(again->count_rows() == 15);
  CHECK(again->pending_batches().empty());
  // Unmarked again: the next batch starts where the abandoned one did.
  auto third = again->mark_batch(100, plan_for, 7000);
  REQUIRE(third);
  CHECK(third->rows == 15);
  CHECK(again->batch_rows(third->batch).front().request_id == "r10");
}

TEST_CASE("a planner's failure leaves no row marked", "[storage][offload]") {
  USMS_ON_EACH_BACKEND(where);
  auto storage = where.open();
  auto journal = storage->open_journal();
  auto off = storage->open_offload();
  finish_requests(*journal, 5);
  auto refuse = [](const std::vector<status_row>&) -> storage::batch_plan {
    throw std::runtime_error("disk full");
  };
  CHECK_THROWS_WITH(off->mark_batch(10, refuse, 1), "disk full");
  CHECK(off->pending_batches().empty());
  auto b = off->mark_batch(10, plan_for, 2);
  REQUIRE(b);
  CHECK(b->rows == 5);
}
