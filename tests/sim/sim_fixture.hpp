#pragma once

/// A running usms-sim for one test, and SOAP helpers built on the codec.

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

#include "contract/soap_codec.hpp"
#include "tests/support/test_support.hpp"

namespace usms::test {

/// A SOAP call's HTTP reply and, when the body was SOAP, its parsed form.
struct soap_exchange {
  http_reply http;
  std::optional<soap::reply> reply; ///< nullopt: no answer or not SOAP
  std::string parse_error;
};

class sim_instance {
public:
  /// Starts `usms-sim --listen 127.0.0.1:0 <args>`; the calls below speak
  /// the contract it serves (`--contract FILE`, else `--api-version`'s).
  explicit sim_instance(std::vector<std::string> args = {});

  /// The contract the simulator serves.
  const soap::contract& contract() const { return *contract_; }

  const std::string& base_url() const { return proc_->base_url(); }
  std::string soap_url() const { return base_url() + "/usms"; }
  child_process& process() { return *proc_; }

  /// POSTs a raw envelope; `soap_action` empty: no SOAPAction header.
  http_reply post(const std::string& envelope, const std::string& soap_action,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Builds `c` with the codec, posts it with the operation's quoted
  /// SOAPAction and parses the answer.
  soap_exchange call(const soap::call& c, const soap::credentials& creds = {},
                     std::chrono::milliseconds timeout
                     = std::chrono::seconds(10));

  /// The same on the operation named `op` (one the gateway may not send).
  soap_exchange call_op(const std::string& op, const soap::call& c);

  /// The same in another contract `k` (what a client of that contract
  /// would send).
  soap_exchange call_as(const soap::contract& k, const soap::call& c);

  /// Posts a raw envelope and parses the answer as one to `a` on incident
  /// tickets.
  soap_exchange call_raw(action a, const std::string& envelope,
                         const std::string& soap_action);

  /// GET /admin/stats, parsed.
  rapidjson::Document stats();

  /// PUT /admin/faults with `json`; returns the answer parsed.
  rapidjson::Document set_faults(const std::string& json);

private:
  soap_exchange exchange(const soap::contract& k, const soap::operation& op,
                         const soap::call& c, const soap::credentials& creds,
                         std::chrono::milliseconds timeout);

  std::unique_ptr<child_process> proc_;
  std::shared_ptr<const soap::contract> contract_;
};

/// A create of `type` (CreateTicket in v2).
soap::call create_ticket(ticket_type type, ticket_fields fields);

/// A create of an incident (CreateIncident in v1).
soap::call create_incident(ticket_fields fields);

/// An update (UpdateTicket in v2).
soap::call update_ticket(ticket_type type, std::string id,
                         ticket_fields fields, std::string work_note = {});

/// A query (QueryTickets in v2).
soap::call query_tickets(ticket_type type, ticket_fields filter,
                         int max_results);

/// A hand-written envelope (for requests the codec refuses to build):
/// `body` goes inside soapenv:Body, `header` inside soapenv:Header; the
/// prefix `u` is bound to the contract namespace of `api_version`.
std::string raw_envelope(int api_version, const std::string& body,
                         const std::string& header = {});

/// Requires an HTTP 500 SOAP fault with `error_code` (Server when
/// `server`).
void require_fault(const soap_exchange& x, bool server,
                   const std::string& error_code);

/// Requires an HTTP 200 SOAP answer and returns it.
const soap::answer& require_ok(const soap_exchange& x);

/// Reads a JSON text; fails the test on bad JSON.
rapidjson::Document parse_json(const std::string& text);

} // namespace usms::test
