#include "persistence/pg_alarms.hpp"

#include "persistence/alarm_rows.hpp"
#include "persistence/pg_migrations.hpp"

namespace usms::pg {

namespace {

std::vector<stored_alarm> alarms_of(const result& r) {
  std::vector<stored_alarm> out;
  out.reserve(static_cast<size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(db::alarm_from_row(row{r, i}));
  return out;
}

/// `{"a","b"}`: texts as a PostgreSQL array literal.
std::string text_array(const std::vector<std::string>& texts) {
  std::string out = "{";
  for (auto& t : texts) {
    out += out.size() > 1 ? ",\"" : "\"";
    for (char ch : t) {
      if (ch == '"' || ch == '\\')
        out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}

} // namespace

pg_alarms::pg_alarms(const std::string& url) : c_(url) {
  migrate(c_);
}

std::optional<stored_alarm> pg_alarms::alarm(const std::string& key) {
  auto found
    = alarms_of(c_.run(db::select_alarms("WHERE alarm_key = $1"), {key}));
  if (found.empty())
    return std::nullopt;
  return std::move(found.front());
}

std::vector<stored_alarm>
pg_alarms::alarms(const std::vector<std::string>& keys) {
  // One statement for all, answered in the order asked.
  auto found = alarms_of(c_.run(
    db::select_alarms("WHERE alarm_key = ANY($1::text[])"), {text_array(keys)}));
  std::vector<stored_alarm> out;
  for (auto& key : keys)
    for (auto& a : found)
      if (a.record.key == key)
        out.push_back(a);
  return out;
}

alarm_page pg_alarms::list(const alarm_filter& f) {
  alarm_page page;
  std::vector<value> args;
  std::string where;
  if (!f.state.empty()) {
    where = "WHERE state = $1 ";
    args.emplace_back(f.state);
  }
  page.total = c_.run("SELECT COUNT(*) FROM alarms " + where, args).int64(0, 0);
  auto n = static_cast<int>(args.size());
  args.emplace_back(f.limit);
  args.emplace_back(f.offset);
  auto r = c_.run(db::select_alarms(where + "ORDER BY last_at DESC, alarm_key "
                                    + "LIMIT $" + std::to_string(n + 1)
                                    + " OFFSET $" + std::to_string(n + 2)),
                  args);
  for (auto& a : alarms_of(r))
    page.alarms.push_back(std::move(a.record));
  return page;
}

std::vector<stored_alarm>
pg_alarms::by_tickets(const std::vector<std::string>& ticket_ids) {
  std::vector<std::string> ids;
  for (auto& id : ticket_ids)
    if (!id.empty())
      ids.push_back(id);
  if (ids.empty())
    return {};
  return alarms_of(c_.run(db::select_alarms("WHERE ticket_id = ANY($1::text[])"),
                          {text_array(ids)}));
}

std::vector<std::string> pg_alarms::resolved_before(int64_t before,
                                                    int32_t limit) {
  static const auto sql = db::alarm_sql('$').resolved_before;
  auto r = c_.run(sql, {before, limit});
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(r.text(i, 0));
  return out;
}

alarm_startup pg_alarms::startup() {
  alarm_startup out;
  // One snapshot for all of it, as SQLite's read transaction would give.
  in_transaction(c_, [&] {
    c_.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    out.active = alarms_of(c_.run(db::alarm_startup_sql::active()));
    auto pending = c_.run(db::alarm_startup_sql::pending);
    for (int i = 0; i < pending.rows(); ++i)
      out.pending.push_back({pending.text(i, 0), pending.text(i, 1)});
    auto creates = c_.run(db::alarm_startup_sql::creates);
    for (int i = 0; i < creates.rows(); ++i)
      out.creates.push_back(db::create_from_row(row{creates, i}));
    auto cursors = c_.run(db::alarm_startup_sql::cursors);
    for (int i = 0; i < cursors.rows(); ++i)
      out.cursors.push_back(db::cursor_from_row(row{cursors, i}));
    out.oldest_ticket_at
      = c_.run(db::alarm_startup_sql::oldest).int64(0, 0);
  });
  return out;
}

} // namespace usms::pg
