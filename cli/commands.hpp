#pragma once

/// usmsctl's commands: each sends one request to the gateway, waits as
/// asked, and turns the answer into what to print and the exit code.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/field_args.hpp"
#include "cli/gateway_client.hpp"

namespace usms::cli {

/// What a command leaves for the shell.
struct command_result {
  int exit_code = 0;
  std::string out; ///< for stdout: the gateway's JSON answer
  std::string err; ///< for stderr: an error JSON or a sentence
};

/// Options every ticket command shares.
struct wait_options {
  /// Seconds to wait for the request to finish; nullopt: do not wait.
  std::optional<double> wait;
  bool pretty = false;
  std::string idempotency_key;
};

/// `POST /api/v1/tickets/{type}`.
command_result create_ticket(gateway_client& gw, const std::string& type,
                             const ticket_body& body, const wait_options& w);

/// `PATCH /api/v1/tickets/{type}/{ticket_id}`.
command_result update_ticket(gateway_client& gw, const std::string& type,
                             const std::string& ticket_id,
                             const ticket_body& body, const wait_options& w);

/// `GET /api/v1/tickets/{type}?status=..&key=value..&limit=N`.
command_result
query_tickets(gateway_client& gw, const std::string& type,
              const std::vector<std::pair<std::string, std::string>>& filter,
              std::optional<int> limit, const wait_options& w);

/// `GET /api/v1/requests/{id}`.
command_result get_request(gateway_client& gw, const std::string& request_id,
                           const wait_options& w);

/// `GET /healthz`: 0 when the gateway answers 200, else 3.
command_result check_health(gateway_client& gw, bool pretty);

/// The exit code a request record's `state` stands for: succeeded 0,
/// failed or cancelled 1, anything else 4.
int exit_code_for_state(const std::string& state);

} // namespace usms::cli
