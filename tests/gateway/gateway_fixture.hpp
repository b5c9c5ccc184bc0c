#pragma once

/// A real usms-sim and a real usms-gateway as child processes on loopback,
/// sharing one temporary directory, with JSON helpers for the tests.

#include <rapidjson/document.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/json_fields.hpp"
#include "tests/support/test_support.hpp"

namespace usms::test {

/// One row of the status table, as GET /api/v1/status shows it.
struct status_row {
  std::string request_id;
  std::string status; ///< Succeeded | Failed
  std::string reason;
  std::string ticket_id;
  int64_t attempts = -1;
};

/// How the two processes are started.
struct gateway_options {
  /// USMS API version of both the simulator and the gateway.
  int api_version = 2;
  /// Extra environment for the gateway ("USMS_GW_...=..."); replaces the
  /// fixture's defaults with the same name.
  std::vector<std::string> gateway_env;
  /// Extra simulator flags.
  std::vector<std::string> sim_args;
};

class gateway_env {
public:
  explicit gateway_env(gateway_options opts = {});
  ~gateway_env();

  gateway_env(const gateway_env&) = delete;
  gateway_env& operator=(const gateway_env&) = delete;

  // --- the gateway ---------------------------------------------------------

  /// Starts the gateway on the fixture's database (a new port each time).
  void start_gateway();
  /// SIGKILL: no chance to clean up.
  void kill_gateway();
  /// SIGTERM; returns the exit code (-1 when it did not exit in `timeout`).
  int stop_gateway(std::chrono::milliseconds timeout
                   = std::chrono::seconds(15));
  child_process& gateway() { return *gw_; }
  const std::string& gw_url() const;

  /// A call to the gateway (`path` starts with '/').
  http_reply call(const std::string& method, const std::string& path,
                  const std::string& body = {},
                  usms::http::header_list headers = {},
                  std::chrono::milliseconds timeout
                  = std::chrono::seconds(30));
  /// POST/PATCH with a JSON body.
  http_reply send_json(const std::string& method, const std::string& path,
                       const std::string& body,
                       usms::http::header_list headers = {});
  /// GET, requires 200, parses the body.
  rapidjson::Document get_json(const std::string& path);

  /// Polls `GET /api/v1/requests/{id}?wait=` until the request is finished
  /// (succeeded, failed or cancelled); fails the test after `timeout`.
  rapidjson::Document wait_finished(const std::string& request_id,
                                    std::chrono::milliseconds timeout
                                    = std::chrono::seconds(20));

  /// Submits a create and returns its accepted request (202) parsed.
  rapidjson::Document submit_create(const std::string& type,
                                    const std::string& summary,
                                    const std::string& correlation_id = {});

  /// Creates a ticket through the gateway (waiting) and returns its id.
  std::string create_ticket(const std::string& type,
                            const std::string& summary);

  /// The status-table rows of `request_id`, newest first; nullopt while the
  /// gateway has no GET /api/v1/status route yet (it answers 404).
  std::optional<std::vector<status_row>>
  status_rows(const std::string& request_id);

  // --- the simulator -------------------------------------------------------

  child_process& sim() { return *sim_; }
  const std::string& sim_url() const { return sim_->base_url(); }
  /// GET /admin/stats, parsed.
  rapidjson::Document sim_stats();
  /// PUT /admin/faults.
  void set_faults(const std::string& json);
  /// calls[op] from /admin/stats (0 when absent).
  int64_t sim_calls(const std::string& op);
  /// creates_by_external_reference[ref] (0 when absent).
  int64_t sim_creates(const std::string& ref);

  const std::string& dir() const { return tmp_.path(); }
  std::string db_path() const { return tmp_.path() + "/gw.db"; }

private:
  gateway_options opts_;
  temp_dir tmp_;
  std::unique_ptr<child_process> sim_;
  std::unique_ptr<child_process> gw_;
  std::vector<std::string> env_;
};

} // namespace usms::test
