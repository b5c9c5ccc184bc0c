#pragma once

/// The integration tests' world: a real usms-sim and a real usms-gateway as
/// child processes on loopback ports, sharing one temporary directory that
/// holds the gateway's database (so the gateway can be killed, stopped and
/// started again on the same journal) and its offload folder. The database
/// is a SQLite file there, or a fresh database on the test run's
/// PostgreSQL server (stack_options::storage; USMS_TEST_STORAGE=postgres
/// makes that every stack's default).
///
/// The gateway runs with test defaults (see `gateway_stack_defaults()`):
/// fast retries and short timeouts, so that every test stays short. A test
/// that needs other values says so in its `stack_options`.

#include <rapidjson/document.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/json_fields.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/test_support.hpp"

namespace usms::test {

/// The gateway environment every stack starts with, unless a test's
/// `stack_options::gateway_env` replaces an entry:
/// - `USMS_GW_SOAP_RETRIES=2`: a request makes at most 3 attempts;
/// - `USMS_GW_SOAP_BACKOFF_BASE=50ms`, `USMS_GW_SOAP_BACKOFF_MAX=200ms`:
///   retries come quickly;
/// - `USMS_GW_USMS_REQUEST_TIMEOUT=2s`: a withheld answer is given up on
///   soon, yet a loaded machine does not time out ordinary calls;
/// - `USMS_GW_USMS_CONNECT_TIMEOUT=1s`;
/// - `USMS_GW_USMS_BYPASS_PROXY=true`: loopback never goes through a proxy
///   of the machine running the tests;
/// - `USMS_GW_LOG_LEVEL=info`.
const std::vector<std::string>& gateway_stack_defaults();

/// Which database a stack's gateway uses.
enum class stack_storage {
  from_environment, ///< postgres when USMS_TEST_STORAGE=postgres, else sqlite
  sqlite,           ///< the file db_path()
  postgres,         ///< a fresh PostgreSQL database (storage.url)
};

/// How the two processes are started. Everything is optional.
struct stack_options {
  /// USMS API version of both the simulator and the gateway.
  int api_version = 2;
  /// A contract file both serve and speak (`--contract`), winning over
  /// `api_version`; empty: the built-in contract of `api_version`.
  std::string contract;
  /// Extra simulator flags (`--latency 300ms`, `--user U --password P`).
  std::vector<std::string> sim_args;
  /// Gateway settings as environment: "USMS_GW_KEY=value" replaces the
  /// default of the same name; "USMS_GW_KEY" alone (no '=') drops the
  /// default, so that the gateway's own default applies.
  std::vector<std::string> gateway_env;
  /// Extra gateway flags for every start (a restart can add more).
  std::vector<std::string> gateway_args;
  /// Sent as `Authorization: Bearer TOKEN` on every gateway call that does
  /// not carry its own Authorization header.
  std::string token;
  /// True: the gateway is not started by the constructor; the test prepares
  /// the database first and calls `start_gateway()` itself.
  bool defer_gateway = false;
  /// The gateway's database.
  stack_storage storage = stack_storage::from_environment;
};

/// One answer of the gateway as the tests saw it.
struct recorded_answer {
  std::string what; ///< "GET /path -> 200"
  std::string text; ///< the headers and the body
};

/// One row of the status table, as GET /api/v1/status shows it.
struct status_row {
  std::string request_id;
  std::string status; ///< Succeeded | Failed
  std::string reason;
  std::string ticket_id;
  int64_t attempts = -1;
};

/// A simulator and a gateway for one test; both are killed (SIGKILL) when
/// it ends.
class gateway_stack {
public:
  explicit gateway_stack(stack_options opts = {});
  ~gateway_stack();
  gateway_stack(const gateway_stack&) = delete;
  gateway_stack& operator=(const gateway_stack&) = delete;

  // --- the gateway's life --------------------------------------------------

  /// Starts the gateway on the stack's database (a new port each time),
  /// with `extra_args` after the options' flags. Requires that no gateway
  /// of this stack is running.
  void start_gateway(const std::vector<std::string>& extra_args = {});
  /// SIGKILL: no chance to clean up. Returns the exit code (128 + 9).
  int kill_gateway();
  /// SIGTERM; returns the exit code (-1 when it did not exit in `timeout`).
  int stop_gateway(std::chrono::milliseconds timeout
                   = std::chrono::seconds(20));
  /// The gateway last started (its output stays readable after it exited).
  child_process& gateway() { return *gw_; }
  const std::string& gw_url() const;

  // --- calls to the gateway ------------------------------------------------

  /// A call to the gateway (`path` starts with '/'); a body is sent as JSON.
  /// The answer is recorded (see `answers()`).
  http_reply call(const std::string& method, const std::string& path,
                  const std::string& body = {},
                  usms::http::header_list headers = {},
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));
  /// The call, requiring `status`; returns the parsed body.
  rapidjson::Document json(const std::string& method, const std::string& path,
                           const std::string& body = {}, unsigned status = 200);

  /// POSTs a ticket request to `/api/v1/tickets/TYPE`, requires 202 and
  /// returns its request id.
  std::string submit(const std::string& type, const std::string& body);
  /// Submits a create of `summary` (with `correlation_id` when given),
  /// requires 202 and returns the accepted request.
  rapidjson::Document submit_create(const std::string& type,
                                    const std::string& summary,
                                    const std::string& correlation_id = {});
  /// Creates a ticket through the gateway (waiting) and returns its id.
  std::string create_ticket(const std::string& type,
                            const std::string& summary);

  /// Polls `GET /api/v1/requests/{id}?wait=2` until the request is finished
  /// (succeeded, failed or cancelled); fails the test after `timeout`.
  rapidjson::Document wait_finished(const std::string& request_id,
                                    std::chrono::milliseconds timeout
                                    = std::chrono::seconds(20));

  /// The status-table rows of `request_id`, newest first.
  std::vector<status_row> status_rows(const std::string& request_id);
  /// `total` of `GET /api/v1/status?FILTERS` (e.g. "status=Failed").
  int64_t status_total(const std::string& filters = {});
  /// Polls `GET /api/v1/requests` until no request is unfinished; false
  /// after `timeout`.
  bool wait_drained(std::chrono::milliseconds timeout);

  /// `GET /api/v1/usms`, parsed.
  rapidjson::Document usms();
  /// Polls `GET /api/v1/usms` every 20 ms until its state is one of
  /// `states`; returns the last object (check its state: it is not one of
  /// them after `timeout`). With `seen`, every state read is appended to
  /// it unless it repeats the last one there.
  rapidjson::Document wait_usms(const std::vector<std::string>& states,
                                std::chrono::milliseconds timeout
                                = std::chrono::seconds(20),
                                std::vector<std::string>* seen = nullptr);
  /// The value of one series of `GET /metrics`, named as it is written
  /// there (`usms_gateway_usms_state{state="down"}`); -1 when absent.
  double metric(const std::string& series);

  /// Every answer the gateway gave through `call()` so far.
  std::vector<recorded_answer> answers() const;

  // --- the simulator -------------------------------------------------------

  child_process& sim() { return *sim_; }
  const std::string& sim_url() const { return sim_->base_url(); }
  /// A call to the simulator (`/admin/...`); not recorded.
  http_reply sim_call(const std::string& method, const std::string& path,
                      const std::string& body = {});
  /// GET /admin/stats, parsed.
  rapidjson::Document sim_stats();
  /// PUT /admin/faults, requiring 200.
  void set_faults(const std::string& json);
  /// calls[op] from /admin/stats (0 when absent).
  int64_t sim_calls(const std::string& op);
  /// creates_by_external_reference[ref] (0 when absent).
  int64_t sim_creates(const std::string& ref);
  /// faults_injected[kind] from /admin/stats (`down`, `server_fault`, ...).
  int64_t sim_faults(const std::string& kind);
  /// SIGSTOP: the simulator freezes; connections are still accepted by the
  /// kernel, but nothing is answered until `thaw_sim()`. Do not call the
  /// simulator meanwhile.
  void freeze_sim();
  /// SIGCONT: the simulator carries on where it stopped.
  void thaw_sim();

  // --- the shared directory ------------------------------------------------

  const std::string& dir() const { return tmp_.path(); }
  /// The gateway's SQLite database; the same for every start.
  std::string db_path() const { return tmp_.path() + "/gw.db"; }
  /// The PostgreSQL database the gateway runs on instead, or nullptr.
  const postgres_database* postgres() const { return pg_ ? &*pg_ : nullptr; }
  /// The gateway's database as storage::open_backend takes it: db_path(),
  /// or the PostgreSQL database's URL.
  std::string storage_location() const {
    return pg_ ? pg_->url() : db_path();
  }
  /// The gateway's offload folder.
  std::string offload_path() const { return tmp_.path() + "/offload"; }

private:
  stack_options opts_;
  temp_dir tmp_;
  std::optional<postgres_database> pg_;
  std::vector<std::string> env_;
  std::unique_ptr<child_process> sim_;
  std::unique_ptr<child_process> gw_;
  mutable std::mutex answers_mtx_; // call() may run on several threads
  std::vector<recorded_answer> answers_;
};

} // namespace usms::test
