#pragma once

/// A real PostgreSQL server for tests: initdb in a temporary directory, a
/// postgres listening only on a unix socket in it, a fresh database per
/// test. PostgreSQL refuses to run as root (CI runs as root): there the
/// server runs as the system user `usms-pgtest`, created when missing.
///
/// One server serves a whole test run: a CTest fixture starts it
/// (`usms-pg-test-server start DIR`) and names it to the tests through the
/// environment variable USMS_TEST_PG_DIR; a test binary run by hand starts
/// its own on first use and stops it at exit.

#include <sys/types.h>

#include <memory>
#include <string>

namespace usms::test {

class postgres_server {
public:
  /// The folder of initdb and postgres (USMS_PG_BIN, else the Debian
  /// PostgreSQL 15 folder), or "" when they are not installed.
  static std::string bin_dir();

  /// How a server is started.
  struct options {
    /// fsync on, as a production server (for benchmarks); off by default,
    /// since tests kill gateways, not machines.
    bool durable = false;
    /// The server may outlive this process (see detach_to); otherwise it
    /// dies with it, so that a crashed test leaves no server behind.
    bool detachable = false;
  };

  /// Starts a new server in a new temporary directory and waits until it
  /// takes connections. Throws std::runtime_error, with the server's log,
  /// when it cannot.
  static std::unique_ptr<postgres_server> start(options opts);
  static std::unique_ptr<postgres_server> start() { return start(options{}); }

  /// The server whose state a CTest fixture wrote to `state_dir` (it may
  /// have died since); the destructor leaves it alone. nullptr when there
  /// is no state.
  static std::unique_ptr<postgres_server> attach(const std::string& state_dir);

  /// Stops the server (fast shutdown, by its pid) and removes its
  /// directory, when this object started it.
  ~postgres_server();
  postgres_server(const postgres_server&) = delete;
  postgres_server& operator=(const postgres_server&) = delete;

  /// `postgresql://usms@/DATABASE?host=SOCKET_DIR&port=PORT`.
  std::string url(const std::string& database = "postgres") const;

  /// A fresh, empty database (copied from template0); returns its name.
  std::string create_database();

  /// Drops `name`, closing its sessions first.
  void drop_database(const std::string& name);

  /// Writes the state file attach() reads into `state_dir` and gives the
  /// server up: it keeps running after this object (and, started
  /// detachable, after this process).
  void detach_to(const std::string& state_dir);

  /// Stops the server a detach_to(`state_dir`) left running and removes
  /// its directory and the state file. False when there was none.
  static bool stop_detached(const std::string& state_dir);

  pid_t pid() const { return pid_; }

private:
  postgres_server() = default;
  void stop() noexcept;

  std::string dir_; ///< its temporary directory (data, socket, log)
  std::string socket_dir_;
  int port_ = 5432;
  pid_t pid_ = -1;
  bool owned_ = false; ///< started here and not detached
};

/// The server the tests of this process share (see the file comment), or
/// nullptr when PostgreSQL is not installed; throws when it cannot start.
postgres_server* shared_postgres();

/// True when PostgreSQL tests can run here; otherwise reports the missing
/// programs through report_missing_tool (which fails the test under CI)
/// and returns false, `what` naming what goes unchecked.
bool postgres_available(const std::string& what);

/// A fresh database on the shared server for one test, dropped when it
/// goes. Requires postgres_available().
class postgres_database {
public:
  postgres_database();
  ~postgres_database();
  postgres_database(const postgres_database&) = delete;
  postgres_database& operator=(const postgres_database&) = delete;

  /// Its libpq URL (no password: the test server trusts local sessions).
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

private:
  std::string name_;
  std::string url_;
};

} // namespace usms::test
