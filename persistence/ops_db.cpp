#include "persistence/ops_db.hpp"

#include <algorithm>
#include <utility>

#include "persistence/journal_db.hpp"
#include "persistence/schema.hpp"

namespace usms::db {

ops_db::ops_db(const std::string& path) : db_(path) {
  prepare_database(db_);
}

ops_db::~ops_db() = default;

statement& ops_db::cached(const std::string& sql) {
  auto i = cache_.find(sql);
  if (i == cache_.end())
    i = cache_.emplace(sql, std::make_unique<statement>(db_.prepare(sql)))
          .first;
  return i->second->reset();
}

status_page ops_db::status(const status_filter& f) {
  status_page page;
  auto w = status_where(f, "LIKE");
  {
    auto& s = cached("SELECT COUNT(*) FROM status_rows" + w.sql);
    bind_values(s, w);
    if (s.step())
      page.total = s.int64(0);
    s.reset();
  }
  page.entries = w.sql.empty() ? page.total : status_entries();
  auto& s = cached(
    std::string{"SELECT "} + status_columns + " FROM status_rows"
    + w.sql + " ORDER BY finished_at DESC, row_id DESC LIMIT ? OFFSET ?");
  auto next = bind_values(s, w);
  s.bind(next, static_cast<int64_t>(f.limit)).bind(next + 1, f.offset);
  while (s.step())
    page.rows.push_back(status_from_row(s));
  s.reset();
  return page;
}

std::optional<request_record> ops_db::request(const std::string& id) {
  return find_request(cached(select_request_by_id()), id);
}

void ops_db::maintain() {
  auto before = std::exchange(last_log_frames_, -1);
  auto passive = db_.checkpoint(checkpoint_mode::passive);
  last_log_frames_ = passive.log_frames;
  bool idle = !passive.busy && passive.log_frames > 0
              && passive.copied == passive.log_frames
              && passive.log_frames == before;
  if (!idle)
    return;
  last_log_frames_ = db_.checkpoint(checkpoint_mode::truncate).log_frames;
}

int64_t ops_db::status_entries() {
  auto& s = cached("SELECT COUNT(*) FROM status_rows");
  int64_t n = s.step() ? s.int64(0) : 0;
  s.reset();
  return n;
}

void ops_db::add_trend_sample(int64_t at, int64_t count) {
  cached("INSERT INTO trend (at, count) VALUES (?1, ?2) "
         "ON CONFLICT(at) DO UPDATE SET count = excluded.count")
    .bind(1, at)
    .bind(2, count)
    .run();
}

std::vector<trend_sample> ops_db::trend(int64_t since, int64_t until,
                                        int64_t max) {
  auto& s = cached("SELECT at, count FROM trend WHERE at >= ?1 AND at <= ?2 "
                   "ORDER BY at LIMIT ?3");
  s.bind(1, since).bind(2, until).bind(3, max);
  std::vector<trend_sample> out;
  while (s.step())
    out.push_back({s.int64(0), s.int64(1)});
  s.reset();
  return out;
}

int64_t ops_db::prune_trend(int64_t before) {
  cached("DELETE FROM trend WHERE at < ?1").bind(1, before).run();
  return db_.changes();
}

std::vector<request_record>
ops_db::requests_by_seq(const std::vector<int64_t>& seqs) {
  // One primary-key lookup each: a few microseconds, and one statement.
  auto& q = cached(std::string{"SELECT "} + request_columns
                   + " FROM requests WHERE seq = ?1");
  std::vector<request_record> out;
  out.reserve(seqs.size());
  for (auto seq : seqs) {
    q.reset().bind(1, seq);
    if (q.step())
      out.push_back(request_from_row(q));
  }
  q.reset();
  return out;
}

std::vector<index_row> ops_db::unfinished_index(request_state state,
                                                int64_t after_seq,
                                                int32_t limit) {
  // requests_by_state holds (state, seq): a range scan in journal order.
  auto& q = cached(std::string{"SELECT "} + index_columns
                   + " FROM requests WHERE state = ?1 AND seq > ?2 "
                     "ORDER BY seq LIMIT ?3");
  q.bind(1, to_string(state)).bind(2, after_seq).bind_int(3, limit);
  std::vector<index_row> out;
  while (q.step())
    out.push_back(index_from_row(q));
  q.reset();
  return out;
}

queue_page ops_db::queue(const queue_filter& f) {
  auto w = queue_where(f);
  queue_page page;
  {
    auto& s = cached("SELECT COUNT(*) FROM requests" + w.sql);
    bind_values(s, w);
    if (s.step())
      page.total = s.int64(0);
    s.reset();
  }
  auto& s = cached(std::string{"SELECT "} + request_columns + " FROM requests"
                   + w.sql + " ORDER BY seq LIMIT ? OFFSET ?");
  auto next = bind_values(s, w);
  s.bind(next, static_cast<int64_t>(f.limit)).bind(next + 1, f.offset);
  while (s.step())
    page.requests.push_back(request_from_row(s));
  s.reset();
  return page;
}

std::vector<reply_route> ops_db::routes() {
  auto& s = cached("SELECT source, url FROM reply_routes ORDER BY source");
  std::vector<reply_route> out;
  while (s.step())
    out.push_back({s.text(0), s.text(1)});
  s.reset();
  return out;
}

std::optional<std::string> ops_db::route(const std::string& source) {
  auto& s = cached("SELECT url FROM reply_routes WHERE source = ?1");
  s.bind(1, source);
  std::optional<std::string> out;
  if (s.step())
    out = s.text(0);
  s.reset();
  return out;
}

void ops_db::put_route(const std::string& source, const std::string& url) {
  cached("INSERT INTO reply_routes (source, url) VALUES (?1, ?2) "
         "ON CONFLICT(source) DO UPDATE SET url = excluded.url")
    .bind(1, source)
    .bind(2, url)
    .run();
}

bool ops_db::delete_route(const std::string& source) {
  cached("DELETE FROM reply_routes WHERE source = ?1").bind(1, source).run();
  return db_.changes() > 0;
}

std::map<std::string, std::string> ops_db::key_values(const char* table) {
  auto& s = cached(std::string{"SELECT key, value FROM "} + table);
  std::map<std::string, std::string> out;
  while (s.step())
    out.emplace(s.text(0), s.text(1));
  s.reset();
  return out;
}

std::map<std::string, std::string> ops_db::runtime_config() {
  return key_values("runtime_config");
}

std::map<std::string, std::string>
ops_db::save_runtime_config(const std::map<std::string, std::string>& values) {
  std::map<std::string, std::string> before;
  in_transaction(db_, [&] {
    before = runtime_config();
    for (const auto& [key, json] : values)
      cached("INSERT INTO runtime_config (key, value) VALUES (?1, ?2) "
             "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(1, key)
        .bind(2, json)
        .run();
  });
  return before;
}

void ops_db::replace_runtime_config(
  const std::map<std::string, std::string>& values) {
  in_transaction(db_, [&] {
    cached("DELETE FROM runtime_config").run();
    for (const auto& [key, json] : values)
      cached("INSERT INTO runtime_config (key, value) VALUES (?1, ?2)")
        .bind(1, key)
        .bind(2, json)
        .run();
  });
}

std::map<std::string, std::string> ops_db::shared_state() {
  return key_values("shared_state");
}

void ops_db::put_shared_state(const std::string& key,
                              const std::string& value) {
  cached("INSERT INTO shared_state (key, value) VALUES (?1, ?2) "
         "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
    .bind(1, key)
    .bind(2, value)
    .run();
}

} // namespace usms::db
