#pragma once

/// The simulator's request handling: the SOAP endpoint `/usms` (with its
/// WSDL at `/usms?wsdl`) and the admin endpoints (`/admin/stats`,
/// `/admin/faults`, `/admin/reset`). Transport-agnostic: it plugs into
/// usms::http::server as its handler.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "contract/soap_codec.hpp"
#include "sim/delay_queue.hpp"
#include "sim/fault_injector.hpp"
#include "sim/ticket_store.hpp"
#include "transport/http_server.hpp"

namespace usms::sim {

struct service_options {
  int api_version = 2;  ///< the contract served: 1 or 2
  std::string user;     ///< empty: no credentials required
  std::string password; ///< empty: only the user name is checked
  bool tls = false;     ///< the scheme of the WSDL's address
  /// `host:port` for the WSDL's address when a request has no Host header.
  std::string authority = "127.0.0.1:8081";
};

class sim_service {
public:
  sim_service(service_options options, fault_settings faults, uint64_t seed);
  ~sim_service();
  sim_service(const sim_service&) = delete;
  sim_service& operator=(const sim_service&) = delete;

  /// The usms::http::handler: never blocks (latency and hung calls wait on
  /// a timer thread).
  void handle(http::request req, http::responder respond);

  /// Sets the authority used when a request has no Host header (once the
  /// real port is known).
  void set_authority(std::string authority);

  /// Releases held calls (answers delayed ones, resets hung ones). Call
  /// before stopping the HTTP server.
  void shutdown();

private:
  void handle_soap(const http::request& req, const http::responder& respond);
  http::response wsdl_response(const http::request& req) const;
  http::response stats_response() const;
  http::response faults_response(const http::request& req);
  void reset_stats();

  /// Runs the parsed, authorised call against the store: an answer, or the
  /// fault to send.
  result<soap::answer> process(const soap::call& c);
  bool authorized(const soap::incoming& in) const;
  void count_call(std::string_view op_name);

  service_options options_;
  fault_injector faults_;
  ticket_store store_;
  delay_queue delays_;
  // Calls per operation (index: soap::operation), plus unparseable ones.
  std::array<std::atomic<uint64_t>, 4> calls_{};
  std::atomic<uint64_t> invalid_calls_{0};
  mutable std::mutex authority_mtx_;
};

/// Replaces the `location` of every `soap:address` in `wsdl` with
/// `location`.
std::string rewrite_wsdl_address(std::string_view wsdl,
                                 std::string_view location);

/// Whether a SOAPAction header value (quotes already removed) names
/// `op_name`: the bare name, or a URI ending in `/name`, `#name` or `:name`.
bool soap_action_matches(std::string_view action, std::string_view op_name);

} // namespace usms::sim
