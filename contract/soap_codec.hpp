#pragma once

/// The one place that knows the USMS wire format: it builds and parses SOAP
/// 1.1 envelopes for both sides, the gateway (client) and the simulator
/// (server), for any contract (contract.hpp). Nothing else in the project
/// writes or reads SOAP XML.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/contract.hpp"
#include "contract/result.hpp"
#include "contract/ticket.hpp"

namespace usms::soap {

inline constexpr std::string_view envelope_ns
  = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view wsse_ns
  = "http://docs.oasis-open.org/wss/2004/01/"
    "oasis-200401-wss-wssecurity-secext-1.0.xsd";

/// WS-Security UsernameToken. No header at all when `username` is empty (or
/// the contract has WS-Security off); no Password element when `password`
/// is empty.
struct credentials {
  std::string username;
  std::string password;
};

/// One SOAP call: what to do, in the ticket model's terms (SOAP names of
/// section 3: `Summary`, `ConfigurationItem`, ...). The contract decides how:
/// which operation, which elements, which spellings.
struct call {
  action act = action::create;
  ticket_type type = ticket_type::incident;
  std::string ticket_id; ///< update
  ticket_fields fields;  ///< create: the new ticket; update: the changes
  std::string work_note; ///< update, optional
  ticket_fields filter;  ///< query: the filter elements
  int max_results = 0;   ///< query
};

/// A SOAP 1.1 fault. `server` is true for `soapenv:Server` faults.
struct fault {
  bool server = false;
  std::string faultstring;
  std::string error_code;    ///< VALIDATION, NOT_FOUND, ..., UNAVAILABLE
  std::string error_message;
};

/// A successful answer: which members are set depends on the operation.
struct answer {
  std::string ticket_id;              ///< Create*
  std::vector<ticket_fields> tickets; ///< Update: one; Query: the page
  int total_count = 0;                ///< Query
};

/// What came back from USMS: an answer or a fault. Anything else (not SOAP,
/// hostile or truncated XML) is a `result` failure instead.
struct reply {
  std::optional<fault> fault_info;
  answer ok;
};

/// Bounds applied before any XML is parsed.
struct parse_limits {
  std::size_t max_bytes = 16 * 1024 * 1024;
  std::size_t max_depth = 64;
  /// Elements plus attributes: RapidXML spends ~100 bytes on each, so a
  /// body of `<a/><a/>...` would otherwise cost 25 times its size.
  std::size_t max_nodes = 250000;
};

// -- gateway side -----------------------------------------------------------

/// The envelope for `c` in contract `k`. Fails (code `VALIDATION`, message
/// naming the field) when a value holds characters XML 1.0 does not allow,
/// a field does not belong to the ticket type or the operation, is
/// read-only or has a bad value, or Summary is missing on a create; code
/// `UNSUPPORTED` when `k` offers no operation for the call's action and
/// type. Only valid envelopes leave.
result<std::string> build_request(const contract& k, const call& c,
                                  const credentials& creds);

/// The same on a given operation of `k`, also one the gateway does not
/// send (v2's CreateIncident): for clients that pick the operation.
result<std::string> build_request(const contract& k, const operation& op,
                                  const call& c, const credentials& creds);

/// "query incident is not offered by USMS API v1 (it offers create
/// incident)".
std::string not_offered_message(const contract& k, action a, ticket_type t);

/// Parses USMS's answer to a call of `a` on `t` (HTTP body, any status).
///
/// A fault is a successful parse (`reply::fault_info`), its ErrorCode
/// already mapped to ours. Failures carry a sentence for people and a code
/// for branching:
/// - `empty_body`: "USMS answered with an empty body"
/// - `html`: "USMS answered with an HTML page, not SOAP: <title>"
/// - `not_xml`: text that does not start like XML (quoted in the message)
/// - `too_large`: over `limits.max_bytes`
/// - `hostile`: NUL bytes, nesting deeper than `limits.max_depth`, more
///   than `limits.max_nodes` elements and attributes, a DOCTYPE
///   or ENTITY declaration, a processing instruction
/// - `malformed`: truncated or not well-formed XML, invalid characters
/// - `not_soap`: well-formed but not the contract (no Envelope or Body,
///   wrong namespace, wrong or missing element)
/// - `UNSUPPORTED`: `k` offers no operation for `a` on `t`
result<reply> parse_response(const contract& k, action a, ticket_type t,
                             std::string_view body,
                             const parse_limits& limits = {});

/// The same for an answer to operation `op` of `k` about `t` tickets.
result<reply> parse_response(const contract& k, const operation& op,
                             ticket_type t, std::string_view body,
                             const parse_limits& limits = {});

// -- simulator side ---------------------------------------------------------

/// A request as the simulator received it.
struct incoming {
  call request;
  const operation* op = nullptr;    ///< in the contract it was parsed with
  std::optional<credentials> creds; ///< present when a UsernameToken came
  bool has_password = false;        ///< a Password element was present
};

/// Parses a request envelope of any operation of `k`. On failure,
/// `failure.code` is the ErrorCode the simulator answers with
/// (`VALIDATION`, `UNSUPPORTED`) and `message` the ErrorMessage.
result<incoming> parse_request(const contract& k, std::string_view body,
                               const parse_limits& limits = {});

/// The response envelope of `op` for a successful call `c`.
std::string build_response(const contract& k, const operation& op,
                           const call& c, const answer& a);

/// A fault envelope (to be sent with HTTP 500); `f.error_code` is ours and
/// goes out as the contract's code for it.
std::string build_fault(const contract& k, const fault& f);

// -- shared helpers ---------------------------------------------------------

/// Escapes `<>&"'` for element text and attribute values.
std::string xml_escape(std::string_view text);

/// Empty when `text` is valid UTF-8 made only of characters XML 1.0 allows;
/// else a sentence saying what is wrong and where.
std::string check_xml_text(std::string_view text);

} // namespace usms::soap
