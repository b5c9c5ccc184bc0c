#pragma once

/// The simulator's request handling: the SOAP endpoint `/usms` (with its
/// WSDL at `/usms?wsdl`) and the admin endpoints (`/admin/stats`,
/// `/admin/faults`, `/admin/reset`). Transport-agnostic: it plugs into
/// usms::http::server as its handler.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "contract/soap_codec.hpp"
#include "sim/delay_queue.hpp"
#include "sim/fault_injector.hpp"
#include "sim/ticket_store.hpp"
#include "transport/http_server.hpp"

namespace usms::sim {

struct service_options {
  /// The contract served; null: the built-in contract of USMS API v2.
  std::shared_ptr<const soap::contract> contract;
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
  result<soap::answer> process(const soap::incoming& in);
  bool authorized(const soap::incoming& in) const;
  /// Counts a call of the contract's operation `op`, or (when it is null)
  /// of the operation the SOAPAction names.
  void count_call(const soap::operation* op, const std::string& action);

  service_options options_;
  const soap::contract& contract_;
  /// The WSDL, generated once; each answer only rewrites its address.
  std::string wsdl_;
  fault_injector faults_;
  ticket_store store_;
  delay_queue delays_;
  // Calls per operation of the contract (by index), plus unparseable ones.
  std::unique_ptr<std::atomic<uint64_t>[]> calls_;
  std::atomic<uint64_t> invalid_calls_{0};
  // Calls of operations the contract does not offer, by the name their
  // SOAPAction gives (a few dozen names at most; the rest count as
  // invalid).
  mutable std::mutex other_mtx_;
  std::map<std::string, uint64_t> other_calls_;
  mutable std::mutex authority_mtx_;
  // SOAP calls between their arrival and their answer (or their end
  // without one), and the most at once.
  std::atomic<uint64_t> in_flight_{0};
  std::atomic<uint64_t> peak_{0};
  class call_in_flight;
  /// Counts a call in flight (see call_in_flight).
  std::shared_ptr<call_in_flight> enter_call();
};

/// Replaces the `location` of every `soap:address` in `wsdl` with
/// `location`.
std::string rewrite_wsdl_address(std::string_view wsdl,
                                 std::string_view location);

/// Whether a SOAPAction header value (quotes already removed) names
/// `op_name`: the bare name, or a URI ending in `/name`, `#name` or `:name`.
bool soap_action_matches(std::string_view action, std::string_view op_name);

} // namespace usms::sim
