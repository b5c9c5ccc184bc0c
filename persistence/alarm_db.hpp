#pragma once

/// The alarms on SQLite: the read connection behind storage::alarm_store,
/// and the alarm tables' writes on the journal's connection (used by
/// journal_db, so that they commit with the requests they cause).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "persistence/alarm_store.hpp"
#include "persistence/sqlite.hpp"

namespace usms::db {

class alarm_db : public storage::alarm_store {
public:
  /// Opens (creating) the database; throws sqlite_error.
  explicit alarm_db(const std::string& path);
  ~alarm_db() override;
  alarm_db(const alarm_db&) = delete;
  alarm_db& operator=(const alarm_db&) = delete;

  std::optional<stored_alarm> alarm(const std::string& key) override;
  std::vector<stored_alarm>
  alarms(const std::vector<std::string>& keys) override;
  alarm_page list(const alarm_filter& f) override;
  std::vector<stored_alarm>
  by_tickets(const std::vector<std::string>& ticket_ids) override;
  std::vector<std::string> resolved_before(int64_t before,
                                           int32_t limit) override;
  alarm_startup startup() override;

private:
  /// A statement prepared once per distinct SQL text, reset.
  statement& cached(const std::string& sql);
  /// Every row `s` selects (with the alarm columns), read.
  std::vector<stored_alarm> read_all(statement& s);

  database db_;
  std::map<std::string, std::unique_ptr<statement>> cache_;
};

/// The alarm tables' writes, on a connection another store owns (the
/// journal's): its statements prepared once. Each call runs inside the
/// caller's transaction.
class alarm_writer {
public:
  explicit alarm_writer(database& db);
  ~alarm_writer();

  /// Inserts, replaces or (c.forget) deletes the alarm's row, only while
  /// it is at `c.version` (0: no row yet). The row's version afterwards
  /// (0 once forgotten), or nullopt on a conflict (nothing written).
  std::optional<int64_t> write_row(const alarm_commit& c);

  /// Records one event.
  void insert_event(const alarm_event_row& e);

  void save_sync_cursor(const alarm_sync_cursor& cursor);
  int64_t prune_events(int64_t before);

private:
  database& db_;
  struct statements;
  std::unique_ptr<statements> st_;
};

} // namespace usms::db
