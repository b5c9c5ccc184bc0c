#include "persistence/pg_ops.hpp"

#include <unordered_map>

#include "persistence/filters.hpp"
#include "persistence/pg_migrations.hpp"
#include "persistence/pg_rows.hpp"
#include "persistence/rows.hpp"

namespace usms::pg {

namespace {

/// `sql` + `w` with its placeholders numbered, then LIMIT and OFFSET.
result page_of(connection& c, const std::string& sql, const db::where_clause& w,
               const std::string& order, int64_t limit, int64_t offset) {
  auto args = values_of(w);
  auto n = static_cast<int>(args.size());
  args.emplace_back(limit);
  args.emplace_back(offset);
  return c.run(sql + db::numbered_placeholders(w.sql) + order + " LIMIT $"
                   + std::to_string(n + 1) + " OFFSET $"
                   + std::to_string(n + 2),
               args);
}

int64_t count_of(connection& c, const std::string& sql,
                 const db::where_clause& w) {
  return c.run(sql + db::numbered_placeholders(w.sql), values_of(w))
      .int64(0, 0);
}

} // namespace

std::string bigint_array(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (auto v : values) {
    if (out.size() > 1)
      out += ',';
    out += std::to_string(v);
  }
  return out + "}";
}

pg_ops::pg_ops(const std::string& url) : c_(url) {
  migrate(c_);
}

std::optional<request_record> pg_ops::request(const std::string& id) {
  return find_request(c_, id);
}

std::vector<request_record>
pg_ops::requests_by_seq(const std::vector<int64_t>& seqs) {
  // One statement for the whole batch, answered in the order asked.
  auto found = requests_of(c_.run(
      select_requests("WHERE seq = ANY($1::bigint[])"), {bigint_array(seqs)}));
  std::unordered_map<int64_t, size_t> at;
  for (size_t i = 0; i < found.size(); ++i)
    at.emplace(found[i].seq, i);
  std::vector<request_record> out;
  out.reserve(found.size());
  for (auto seq : seqs)
    if (auto i = at.find(seq); i != at.end())
      out.push_back(std::move(found[i->second]));
  return out;
}

std::vector<index_row> pg_ops::unfinished_index(request_state state,
                                                int64_t after_seq,
                                                int32_t limit) {
  return index_rows_of(
      c_.run(std::string{"SELECT "} + db::index_columns
                 + " FROM requests WHERE state = $1 AND seq > $2 "
                   "ORDER BY seq LIMIT $3",
             {to_string(state), after_seq, limit}));
}

queue_page pg_ops::queue(const queue_filter& f) {
  auto w = db::queue_where(f);
  queue_page page;
  page.total = count_of(c_, "SELECT COUNT(*) FROM requests", w);
  page.requests = requests_of(
      page_of(c_, select_requests(""), w, " ORDER BY seq", f.limit, f.offset));
  return page;
}

status_page pg_ops::status(const status_filter& f) {
  auto w = db::status_where(f, "ILIKE");
  status_page page;
  page.total = count_of(c_, "SELECT COUNT(*) FROM status_rows", w);
  page.entries = w.sql.empty() ? page.total : status_entries();
  page.rows = status_rows_of(page_of(
      c_, std::string{"SELECT "} + db::status_columns + " FROM status_rows", w,
      " ORDER BY finished_at DESC, row_id DESC", f.limit, f.offset));
  return page;
}

int64_t pg_ops::status_entries() {
  return c_.run("SELECT COUNT(*) FROM status_rows").int64(0, 0);
}

std::vector<trend_sample> pg_ops::trend(int64_t since, int64_t until,
                                        int64_t max) {
  auto r = c_.run("SELECT at, count FROM trend WHERE at >= $1 AND at <= $2 "
                  "ORDER BY at LIMIT $3",
                  {since, until, max});
  std::vector<trend_sample> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.int64(i, 0), r.int64(i, 1)});
  return out;
}

void pg_ops::maintain() {
  auto r = c_.run("SELECT pg_is_in_recovery()");
  if (r.text(0, 0) == "t")
    c_.status()->failed("the database is a read-only standby");
  else
    c_.status()->ok();
}

void pg_ops::add_trend_sample(int64_t at, int64_t count) {
  c_.run("INSERT INTO trend (at, count) VALUES ($1, $2) "
         "ON CONFLICT (at) DO UPDATE SET count = excluded.count",
         {at, count});
}

int64_t pg_ops::prune_trend(int64_t before) {
  return c_.run("DELETE FROM trend WHERE at < $1", {before}).affected();
}

std::vector<reply_route> pg_ops::routes() {
  auto r = c_.run("SELECT source, url FROM reply_routes ORDER BY source");
  std::vector<reply_route> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.text(i, 0), r.text(i, 1)});
  return out;
}

std::optional<std::string> pg_ops::route(const std::string& source) {
  auto r = c_.run("SELECT url FROM reply_routes WHERE source = $1", {source});
  if (r.rows() == 0)
    return std::nullopt;
  return r.text(0, 0);
}

void pg_ops::put_route(const std::string& source, const std::string& url) {
  c_.run("INSERT INTO reply_routes (source, url) VALUES ($1, $2) "
         "ON CONFLICT (source) DO UPDATE SET url = excluded.url",
         {source, url});
}

bool pg_ops::delete_route(const std::string& source) {
  return c_.run("DELETE FROM reply_routes WHERE source = $1", {source})
             .affected()
         > 0;
}

namespace {

/// Every row of a key → value table.
std::map<std::string, std::string> key_values(connection& c,
                                              const char* table) {
  auto r = c.run(std::string{"SELECT key, value FROM "} + table);
  std::map<std::string, std::string> out;
  for (int i = 0; i < r.rows(); ++i)
    out.emplace(r.text(i, 0), r.text(i, 1));
  return out;
}

} // namespace

std::map<std::string, std::string> pg_ops::runtime_config() {
  return key_values(c_, "runtime_config");
}

std::map<std::string, std::string>
pg_ops::save_runtime_config(const std::map<std::string, std::string>& values) {
  std::map<std::string, std::string> before;
  in_transaction(c_, [&] {
    // Locked against another gateway's save between this read and the
    // writes: what comes back is what this save replaced.
    c_.run("LOCK TABLE runtime_config IN SHARE ROW EXCLUSIVE MODE");
    before = runtime_config();
    for (const auto& [key, json] : values)
      c_.run("INSERT INTO runtime_config (key, value) VALUES ($1, $2) "
             "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
             {key, json});
  });
  return before;
}

void pg_ops::replace_runtime_config(
    const std::map<std::string, std::string>& values) {
  in_transaction(c_, [&] {
    c_.run("DELETE FROM runtime_config");
    for (const auto& [key, json] : values)
      c_.run("INSERT INTO runtime_config (key, value) VALUES ($1, $2)",
             {key, json});
  });
}

std::map<std::string, std::string> pg_ops::shared_state() {
  return key_values(c_, "shared_state");
}

void pg_ops::put_shared_state(const std::string& key,
                              const std::string& value) {
  c_.run("INSERT INTO shared_state (key, value) VALUES ($1, $2) "
         "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
         {key, value});
}

} // namespace usms::pg
