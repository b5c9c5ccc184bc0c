#include "persistence/pg_offload.hpp"

#include "persistence/pg_migrations.hpp"
#include "persistence/pg_ops.hpp"
#include "persistence/pg_rows.hpp"
#include "persistence/rows.hpp"

namespace usms::pg {

using storage::offload_batch;

pg_offload::pg_offload(const std::string& url) : c_(url) {
  migrate(c_);
}

int64_t pg_offload::count_rows() {
  return c_.run("SELECT COUNT(*) FROM status_rows").int64(0, 0);
}

std::vector<offload_batch> pg_offload::pending_batches() {
  auto r = c_.run(std::string{"SELECT "} + db::batch_columns
                  + " FROM offload_batches ORDER BY batch");
  std::vector<offload_batch> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(db::batch_from_row(row{r, i}));
  return out;
}

std::optional<offload_batch>
pg_offload::mark_batch(int64_t limit, const planner& plan, int64_t now_ms) {
  std::optional<offload_batch> out;
  in_transaction(c_, [&] {
    // The journal may commit a row with a lower row_id after a higher one:
    // the batch is the rows read here, by their ids, locked until the
    // batch is recorded.
    auto rows = status_rows_of(
        c_.run(std::string{"SELECT "} + db::status_columns
                   + " FROM status_rows WHERE offload_batch IS NULL "
                     "ORDER BY row_id LIMIT $1 FOR UPDATE",
               {limit}));
    if (rows.empty())
      return;
    auto p = plan(rows);
    auto id = c_.run("INSERT INTO offload_batches (file, file_size_before, "
                     "file_size_after, rows, checksum, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6) RETURNING batch",
                     {p.file, p.size_before, p.size_after,
                      static_cast<int64_t>(rows.size()),
                      static_cast<int64_t>(p.checksum), now_ms})
                  .int64(0, 0);
    auto b = db::marked_batch(id, std::move(p),
                              static_cast<int64_t>(rows.size()), now_ms);
    std::vector<int64_t> ids;
    ids.reserve(rows.size());
    for (const auto& r : rows)
      ids.push_back(r.row_id);
    auto marked = c_.run("UPDATE status_rows SET offload_batch = $1 "
                         "WHERE row_id = ANY($2::bigint[]) "
                         "AND offload_batch IS NULL",
                         {b.batch, bigint_array(ids)})
                      .affected();
    if (marked != static_cast<int64_t>(rows.size()))
      throw pg_error("offload batch marked " + std::to_string(marked)
                     + " rows, expected " + std::to_string(rows.size()));
    out = std::move(b);
  });
  return out;
}

std::vector<status_row> pg_offload::batch_rows(int64_t batch) {
  return status_rows_of(
      c_.run(std::string{"SELECT "} + db::status_columns
                 + " FROM status_rows WHERE offload_batch = $1 "
                   "ORDER BY row_id",
             {batch}));
}

int64_t pg_offload::complete_batch(int64_t batch) {
  int64_t n = 0;
  in_transaction(c_, [&] {
    n = c_.run("DELETE FROM status_rows WHERE offload_batch = $1", {batch})
            .affected();
    c_.run("DELETE FROM offload_batches WHERE batch = $1", {batch});
  });
  return n;
}

int64_t pg_offload::abandon_batch(int64_t batch) {
  int64_t n = 0;
  in_transaction(c_, [&] {
    n = c_.run("UPDATE status_rows SET offload_batch = NULL "
               "WHERE offload_batch = $1",
               {batch})
            .affected();
    c_.run("DELETE FROM offload_batches WHERE batch = $1", {batch});
  });
  return n;
}

} // namespace usms::pg
