#include "persistence/offload_db.hpp"

#include "persistence/journal_db.hpp"
#include "persistence/schema.hpp"

namespace usms::db {

using storage::offload_batch;

struct offload_db::statements {
  statement count;
  statement pending;
  statement oldest;
  statement insert_batch;
  statement mark;
  statement rows_of;
  statement delete_rows;
  statement unmark_rows;
  statement delete_batch;
};

offload_db::offload_db(const std::string& path) : db_(path) {
  prepare_database(db_);
  std::string cols{status_columns};
  st_.reset(new statements{
    db_.prepare("SELECT COUNT(*) FROM status_rows"),
    db_.prepare(std::string{"SELECT "} + batch_columns
                + " FROM offload_batches ORDER BY batch"),
    db_.prepare("SELECT " + cols
                + " FROM status_rows WHERE offload_batch IS NULL "
                  "ORDER BY row_id LIMIT ?1"),
    db_.prepare("INSERT INTO offload_batches (file, file_size_before, "
                "file_size_after, rows, checksum, created_at) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
    db_.prepare("UPDATE status_rows SET offload_batch = ?1 "
                "WHERE row_id BETWEEN ?2 AND ?3 AND offload_batch IS NULL"),
    db_.prepare("SELECT " + cols
                + " FROM status_rows WHERE offload_batch = ?1 "
                  "ORDER BY row_id"),
    db_.prepare("DELETE FROM status_rows WHERE offload_batch = ?1"),
    db_.prepare(
      "UPDATE status_rows SET offload_batch = NULL WHERE offload_batch = ?1"),
    db_.prepare("DELETE FROM offload_batches WHERE batch = ?1"),
  });
}

offload_db::~offload_db() = default;

int64_t offload_db::count_rows() {
  auto& q = st_->count.reset();
  auto n = q.step() ? q.int64(0) : 0;
  q.reset();
  return n;
}

std::vector<offload_batch> offload_db::pending_batches() {
  auto& q = st_->pending.reset();
  std::vector<offload_batch> out;
  while (q.step())
    out.push_back(batch_from_row(q));
  q.reset();
  return out;
}

std::optional<offload_batch>
offload_db::mark_batch(int64_t limit, const planner& plan, int64_t now_ms) {
  std::optional<offload_batch> out;
  in_transaction(db_, [&] {
    auto& q = st_->oldest.reset();
    q.bind(1, limit);
    std::vector<status_row> rows;
    while (q.step())
      rows.push_back(status_from_row(q));
    q.reset();
    if (rows.empty())
      return;
    auto p = plan(rows);
    auto& ins = st_->insert_batch.reset();
    ins.bind(1, p.file)
      .bind(2, p.size_before)
      .bind(3, p.size_after)
      .bind(4, static_cast<int64_t>(rows.size()))
      .bind(5, static_cast<int64_t>(p.checksum))
      .bind(6, now_ms);
    ins.run();
    auto b = marked_batch(db_.last_insert_rowid(), std::move(p),
                          static_cast<int64_t>(rows.size()), now_ms);
    // Rows only ever get appended, and nothing else marks them: inside
    // this transaction the id range holds exactly the rows just read.
    auto& m = st_->mark.reset();
    m.bind(1, b.batch).bind(2, rows.front().row_id).bind(3, rows.back().row_id);
    m.run();
    if (db_.changes() != static_cast<int>(rows.size()))
      throw sqlite_error("offload batch marked "
                         + std::to_string(db_.changes()) + " rows, expected "
                         + std::to_string(rows.size()));
    out = std::move(b);
  });
  return out;
}

std::vector<status_row> offload_db::batch_rows(int64_t batch) {
  auto& q = st_->rows_of.reset();
  q.bind(1, batch);
  std::vector<status_row> out;
  while (q.step())
    out.push_back(status_from_row(q));
  q.reset();
  return out;
}

int64_t offload_db::complete_batch(int64_t batch) {
  int64_t n = 0;
  in_transaction(db_, [&] {
    auto& d = st_->delete_rows.reset();
    d.bind(1, batch);
    d.run();
    n = db_.changes();
    auto& b = st_->delete_batch.reset();
    b.bind(1, batch);
    b.run();
  });
  return n;
}

int64_t offload_db::abandon_batch(int64_t batch) {
  int64_t n = 0;
  in_transaction(db_, [&] {
    auto& u = st_->unmark_rows.reset();
    u.bind(1, batch);
    u.run();
    n = db_.changes();
    auto& b = st_->delete_batch.reset();
    b.bind(1, batch);
    b.run();
  });
  return n;
}

} // namespace usms::db
