#include "contract/soap_codec.hpp"

#include <array>

#include "contract/soap_rules.hpp"
#include "contract/ticket_fields.hpp"
#include "contract/xml_text.hpp"

// The writer half of the codec: names and envelopes. Every envelope is built
// into one reserved std::string. The readers are soap_parse_response.cpp
// (the gateway's) and soap_parse_request.cpp (the simulator's).

namespace usms::soap {

namespace {

constexpr std::string_view xml_decl
  = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
constexpr std::string_view password_text_type
  = "http://docs.oasis-open.org/wss/2004/01/"
    "oasis-200401-wss-username-token-profile-1.0#PasswordText";

failure fail(std::string code, std::string message) {
  return failure{std::move(message), std::move(code)};
}

void open_envelope(std::string& out, int api_version) {
  out += xml_decl;
  out += "<soapenv:Envelope xmlns:soapenv=\"";
  out += envelope_ns;
  out += "\" xmlns:usms=\"";
  out += contract_ns(api_version);
  out += "\">";
}

void security_header(std::string& out, const credentials& creds) {
  if (creds.username.empty())
    return;
  out += "<soapenv:Header><wsse:Security xmlns:wsse=\"";
  out += wsse_ns;
  out += "\"><wsse:UsernameToken><wsse:Username>";
  append_escaped(out, creds.username);
  out += "</wsse:Username>";
  if (!creds.password.empty()) {
    out += "<wsse:Password Type=\"";
    out += password_text_type;
    out += "\">";
    append_escaped(out, creds.password);
    out += "</wsse:Password>";
  }
  out += "</wsse:UsernameToken></wsse:Security></soapenv:Header>";
}

void open_tag(std::string& out, std::string_view name) {
  out += "<usms:";
  out += name;
  out += '>';
}

void close_tag(std::string& out, std::string_view name) {
  out += "</usms:";
  out += name;
  out += '>';
}

// `<usms:CreateTicketRequest>` without building the name first.
void open_tag(std::string& out, std::string_view op, std::string_view suffix) {
  out += "<usms:";
  out += op;
  out += suffix;
  out += '>';
}

void close_tag(std::string& out, std::string_view op, std::string_view suffix) {
  out += "</usms:";
  out += op;
  out += suffix;
  out += '>';
}

// Values are checked before writing, except in answers, which cannot fail.
template <bool Lossy = false>
void element(std::string& out, std::string_view name, std::string_view value) {
  open_tag(out, name);
  if constexpr (Lossy)
    append_escaped_lossy(out, value);
  else
    append_escaped(out, value);
  close_tag(out, name);
}

// Writes the fields of `fields` named in `order`, in that order, without
// allocating: one pass over the map fills a slot per schema position.
template <bool Lossy = false>
void fields_in_order(std::string& out, const ticket_fields& fields,
                     const std::vector<std::string_view>& order) {
  std::array<const std::string*, 32> slot{};
  for (auto& [name, value] : fields)
    for (std::size_t i = 0; i < order.size() && i < slot.size(); ++i)
      if (order[i] == name) {
        slot[i] = &value;
        break;
      }
  for (std::size_t i = 0; i < order.size() && i < slot.size(); ++i)
    if (slot[i])
      element<Lossy>(out, order[i], *slot[i]);
}

const std::vector<std::string_view>& ticket_field_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> xs;
    for (auto& d : ticket_field_defs())
      xs.push_back(d.soap_name);
    return xs;
  }();
  return names;
}

template <bool Lossy = false>
void ticket_element(std::string& out, const ticket_fields& fields) {
  if (fields.empty()) {
    out += "<usms:Ticket/>";
    return;
  }
  open_tag(out, "Ticket");
  fields_in_order<Lossy>(out, fields, ticket_field_names());
  close_tag(out, "Ticket");
}

std::size_t estimate(const ticket_fields& fields) {
  std::size_t n = 0;
  for (auto& [name, value] : fields)
    n += 2 * name.size() + 16 + value.size() + value.size() / 8;
  return n;
}

} // namespace

std::string_view contract_ns(int api_version) {
  return api_version == 1 ? "urn:usms:ticket:v1" : "urn:usms:ticket:v2";
}

std::string_view operation_name(operation op) {
  switch (op) {
    case operation::create_incident:
      return "CreateIncident";
    case operation::create_ticket:
      return "CreateTicket";
    case operation::update_ticket:
      return "UpdateTicket";
    case operation::query_tickets:
      return "QueryTickets";
  }
  return "Unknown";
}

std::optional<operation> parse_operation_name(std::string_view name) {
  for (auto op : {operation::create_incident, operation::create_ticket,
                  operation::update_ticket, operation::query_tickets})
    if (operation_name(op) == name)
      return op;
  return std::nullopt;
}

result<std::string> build_request(const call& c, const credentials& creds) {
  if (c.api_version != 1 && c.api_version != 2)
    return fail("VALIDATION", "USMS API version must be 1 or 2, not "
                                + std::to_string(c.api_version));
  if (!offered(c.op, c.api_version))
    return fail("UNSUPPORTED", not_offered_message(c.op, c.api_version));
  if (auto p = check_call(c); !p.empty())
    return fail("VALIDATION", std::move(p));
  if (auto p = check_xml_text(creds.username); !p.empty())
    return fail("VALIDATION", "the SOAP username holds " + p);
  if (auto p = check_xml_text(creds.password); !p.empty())
    return fail("VALIDATION", "the SOAP password holds " + p);

  std::string out;
  out.reserve(700 + creds.username.size() + creds.password.size()
              + estimate(c.fields) + estimate(c.filter) + c.ticket_id.size()
              + c.work_note.size() + c.work_note.size() / 8);
  open_envelope(out, c.api_version);
  security_header(out, creds);
  out += "<soapenv:Body>";
  auto op = operation_name(c.op);
  open_tag(out, op, "Request");
  switch (c.op) {
    case operation::create_incident:
      fields_in_order(out, c.fields, create_incident_fields());
      break;
    case operation::create_ticket:
      element(out, "TicketType", soap_name(c.type));
      ticket_element(out, c.fields);
      break;
    case operation::update_ticket:
      element(out, "TicketType", soap_name(c.type));
      element(out, "TicketId", c.ticket_id);
      ticket_element(out, c.fields);
      if (!c.work_note.empty())
        element(out, "WorkNote", c.work_note);
      break;
    case operation::query_tickets:
      element(out, "TicketType", soap_name(c.type));
      if (c.filter.empty()) {
        out += "<usms:Filter/>";
      } else {
        open_tag(out, "Filter");
        fields_in_order(out, c.filter, query_filter_fields());
        close_tag(out, "Filter");
      }
      element(out, "MaxResults", std::to_string(c.max_results));
      break;
  }
  close_tag(out, op, "Request");
  out += "</soapenv:Body></soapenv:Envelope>";
  return out;
}

std::string build_response(const call& c, const answer& a) {
  std::string out;
  std::size_t size = 400;
  for (auto& t : a.tickets)
    size += estimate(t) + 40;
  out.reserve(size);
  open_envelope(out, c.api_version);
  out += "<soapenv:Body>";
  auto op = operation_name(c.op);
  open_tag(out, op, "Response");
  switch (c.op) {
    case operation::create_incident:
    case operation::create_ticket:
      element<true>(out, "TicketId", a.ticket_id);
      break;
    case operation::update_ticket:
      ticket_element<true>(out, a.tickets.empty() ? ticket_fields{}
                                                  : a.tickets.front());
      break;
    case operation::query_tickets:
      element(out, "TotalCount", std::to_string(a.total_count));
      for (auto& t : a.tickets)
        ticket_element<true>(out, t);
      break;
  }
  close_tag(out, op, "Response");
  out += "</soapenv:Body></soapenv:Envelope>";
  return out;
}

std::string build_fault(int api_version, const fault& f) {
  std::string out;
  out.reserve(600 + f.faultstring.size() + 2 * f.error_message.size());
  out += xml_decl;
  out += "<soapenv:Envelope xmlns:soapenv=\"";
  out += envelope_ns;
  out += "\"><soapenv:Body><soapenv:Fault><faultcode>";
  out += f.server ? "soapenv:Server" : "soapenv:Client";
  out += "</faultcode><faultstring>";
  append_escaped_lossy(out, f.faultstring.empty() ? f.error_message
                                                  : f.faultstring);
  out += "</faultstring>";
  if (!f.error_code.empty() || !f.error_message.empty()) {
    out += "<detail><usms:FaultDetail xmlns:usms=\"";
    out += contract_ns(api_version);
    out += "\">";
    element<true>(out, "ErrorCode", f.error_code);
    element<true>(out, "ErrorMessage", f.error_message);
    out += "</usms:FaultDetail></detail>";
  }
  out += "</soapenv:Fault></soapenv:Body></soapenv:Envelope>";
  return out;
}

} // namespace usms::soap
