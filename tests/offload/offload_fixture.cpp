#include "tests/offload/offload_fixture.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <date/date.h>

#include "persistence/schema.hpp"
#include "persistence/sqlite.hpp"

namespace usms::test {

namespace fs = std::filesystem;

const std::vector<std::string>& tricky_values() {
  static const std::vector<std::string> values{
    "plain",
    "with,comma",
    "with \"quotes\"",
    "two\nlines",
    "crlf\r\ninside",
    "lone\rcr",
    "=SUM(A1:A9)",
    "+49 30 1234",
    "-5 degrees",
    "@cmd",
    "\ttabbed",
    "\rcarriage",
    "=\"quoted, formula\"\n",
    "'already quoted",
    "",
    " spaced ",
    "Grüße, 東京",
    "\"",
    ",",
  };
  return values;
}

int64_t add_status_rows(const std::string& db, int64_t n, bool tricky,
                        int64_t first_ms) {
  db::database conn{db};
  db::prepare_database(conn);
  auto ins = conn.prepare(
    "INSERT INTO status_rows (request_id, accepted_at, finished_at, action, "
    "type, ticket_id, status, reason, source, correlation_id, attempts) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  static const char* actions[] = {"create", "update", "query"};
  static const char* types[] = {"incident", "change", "problem"};
  auto& t = tricky_values();
  int64_t last = 0;
  db::in_transaction(conn, [&] {
    for (int64_t i = 0; i < n; ++i) {
      auto k = static_cast<size_t>(i);
      std::string pick = tricky ? t[k % t.size()] : "reason " + std::to_string(i);
      ins.reset();
      ins.bind(1, "req-" + std::to_string(i))
        .bind(2, first_ms + i * 1000)
        .bind(3, first_ms + i * 1000 + 250)
        .bind(4, std::string{actions[k % 3]})
        .bind(5, std::string{types[(k / 3) % 3]})
        .bind(6, tricky ? t[(k + 3) % t.size()] : "INC-" + std::to_string(i))
        .bind(7, std::string{i % 4 == 0 ? "Failed" : "Succeeded"})
        .bind(8, pick)
        .bind(9, tricky ? t[(k + 7) % t.size()] : std::string{"monitor"})
        .bind(10, tricky ? t[(k + 11) % t.size()]
                         : "alarm-" + std::to_string(i))
        .bind_int(11, static_cast<int>(i % 5));
      ins.run();
      last = conn.last_insert_rowid();
    }
  });
  return last;
}

namespace {

int64_t scalar(const std::string& db, const char* sql) {
  db::database conn{db};
  auto q = conn.prepare(sql);
  return q.step() ? q.int64(0) : -1;
}

} // namespace

int64_t count_status_rows(const std::string& db) {
  return scalar(db, "SELECT COUNT(*) FROM status_rows");
}

int64_t count_pending_batches(const std::string& db) {
  return scalar(db, "SELECT COUNT(*) FROM offload_batches");
}

void snapshot_db(const std::string& db, const std::string& to) {
  db::database conn{db};
  auto q = conn.prepare("VACUUM INTO ?1");
  q.bind(1, to);
  q.run();
}

int run_checker(const std::string& all_db, const std::string& live_db,
                const std::string& csv_dir, const std::string& zone,
                bool guard, int64_t expect_remaining, std::string& output) {
  std::string py = fs::exists("/usr/bin/python3") ? "/usr/bin/python3"
                                                   : "python3";
  std::string cmd = py + " '" + USMS_SOURCE_DIR
                    + "/tests/offload/check_offload.py' --all '" + all_db
                    + "' --live '" + live_db + "' --csv-dir '" + csv_dir
                    + "' --zone '" + zone + "' --guard "
                    + (guard ? "on" : "off");
  if (expect_remaining >= 0)
    cmd += " --expect-remaining " + std::to_string(expect_remaining);
  cmd += " 2>&1";
  output.clear();
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr)
    throw std::runtime_error("cannot run " + cmd);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
    output.append(buf, n);
  int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<std::string> list_tree(const std::string& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir))
    return out;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    auto rel = e.path().lexically_relative(dir).string();
    if (e.is_directory() && !e.is_symlink())
      rel += "/";
    out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
}

size_t count_of(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

offload::time_point utc(const std::string& iso) {
  // Read by hand: date::parse's seconds field trips g++ 12's
  // -Wmaybe-uninitialized inside date.h.
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char z = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h,
                  &mi, &sec, &z)
        != 7
      || z != 'Z')
    throw std::runtime_error("bad test time " + iso);
  auto day = date::year{y} / mo / d;
  if (!day.ok())
    throw std::runtime_error("bad test time " + iso);
  auto t = date::sys_days{day} + std::chrono::hours{h}
           + std::chrono::minutes{mi} + std::chrono::seconds{sec};
  return offload::time_point{t.time_since_epoch()};
}

offload::offload_options test_options(const std::string& path,
                                      int64_t max_entries, int64_t amount,
                                      const std::string& zone, int hours,
                                      bool guard) {
  offload::offload_options o;
  o.path = path;
  o.max_entries = max_entries;
  o.amount = amount;
  o.check_interval_ms = 50;
  o.file_timespan_ms = hours * 3'600'000LL;
  o.retention_ms = 0;
  o.timezone = zone;
  o.csv_formula_guard = guard;
  o.batch_rows = 1000;
  return o;
}

} // namespace usms::test
