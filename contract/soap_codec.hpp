#pragma once

/// The one place that knows the USMS wire format (the WSDL and XSD in this
/// folder): it builds and parses SOAP 1.1 envelopes for both sides, the
/// gateway (client) and the simulator (server). Nothing else in the project
/// writes or reads SOAP XML.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/result.hpp"
#include "contract/ticket.hpp"

namespace usms::soap {

inline constexpr std::string_view envelope_ns
  = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view wsse_ns
  = "http://docs.oasis-open.org/wss/2004/01/"
    "oasis-200401-wss-wssecurity-secext-1.0.xsd";

/// `urn:usms:ticket:v1` or `urn:usms:ticket:v2`.
std::string_view contract_ns(int api_version);

enum class operation : uint8_t {
  create_incident, ///< v1 and v2
  create_ticket,   ///< v2
  update_ticket,   ///< v2
  query_tickets,   ///< v2
};

/// `CreateIncident`, `CreateTicket`, `UpdateTicket`, `QueryTickets`.
std::string_view operation_name(operation op);
std::optional<operation> parse_operation_name(std::string_view name);

/// WS-Security UsernameToken. No header at all when `username` is empty; no
/// Password element when `password` is empty.
struct credentials {
  std::string username;
  std::string password;
};

/// One SOAP call, as the gateway makes it and the simulator receives it.
struct call {
  operation op = operation::create_ticket;
  int api_version = 2;
  ticket_type type = ticket_type::incident; ///< CreateIncident: incident
  std::string ticket_id;    ///< UpdateTicket
  ticket_fields fields;     ///< Create*: the new ticket; Update: changes
  std::string work_note;    ///< UpdateTicket, optional
  ticket_fields filter;     ///< QueryTickets `Filter` elements
  int max_results = 0;      ///< QueryTickets
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

/// The envelope for `c`. Fails (code `VALIDATION`, message naming the
/// field) when a value holds characters XML 1.0 does not allow, a field does
/// not belong to the ticket type or operation, is read-only or has a bad
/// value, or Summary is missing on a create; code `UNSUPPORTED` when `c.op`
/// is not offered by `c.api_version`. Only valid envelopes leave.
result<std::string> build_request(const call& c, const credentials& creds);

/// Parses USMS's answer to an `op` call (HTTP body, any status).
///
/// A fault is a successful parse (`reply::fault_info`). Failures carry a
/// sentence for people and a code for branching:
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
/// - `UNSUPPORTED`: `op` is not offered by `api_version`
result<reply> parse_response(operation op, int api_version,
                             std::string_view body,
                             const parse_limits& limits = {});

// -- simulator side ---------------------------------------------------------

/// A request as the simulator received it.
struct incoming {
  call request;
  std::optional<credentials> creds; ///< present when a UsernameToken came
  bool has_password = false;        ///< a Password element was present
};

/// Parses a request envelope. On failure, `failure.code` is the ErrorCode
/// the simulator answers with (`VALIDATION`, `UNSUPPORTED`) and `message`
/// the ErrorMessage.
result<incoming> parse_request(std::string_view body, int served_api_version,
                               const parse_limits& limits = {});

/// The response envelope for a successful `c`.
std::string build_response(const call& c, const answer& a);

/// A fault envelope (to be sent with HTTP 500).
std::string build_fault(int api_version, const fault& f);

// -- shared helpers ---------------------------------------------------------

/// Escapes `<>&"'` for element text and attribute values.
std::string xml_escape(std::string_view text);

/// Empty when `text` is valid UTF-8 made only of characters XML 1.0 allows;
/// else a sentence saying what is wrong and where.
std::string check_xml_text(std::string_view text);

} // namespace usms::soap
