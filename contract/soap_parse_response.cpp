// The gateway's reader (declared in soap_codec.hpp): USMS answers and faults.

#include <string>

#include "contract/soap_codec.hpp"
#include "contract/soap_parse_envelope.hpp"
#include "contract/soap_rules.hpp"
#include "contract/ticket_fields.hpp"
#include "contract/xml_text.hpp"

namespace usms::soap {

namespace {

using xml::node;

// SOAP 1.1 puts faultcode, faultstring and detail in no namespace; some
// stacks qualify them with the envelope's. Accept both.
const node* fault_child(const node* fault, std::string_view local) {
  for (auto c = xml::first_element(fault); c; c = xml::next_element(c)) {
    if (xml::local_name(c) != local)
      continue;
    auto ns = xml::namespace_of(c);
    if (ns && (ns->empty() || *ns == envelope_ns))
      return c;
  }
  return nullptr;
}

fault read_fault(const node* f, std::string_view contract) {
  fault out;
  if (auto code = fault_child(f, "faultcode")) {
    auto text = xml::text(code);
    auto qname = trim_xml_space(text);
    auto colon = qname.find(':');
    auto local = colon == std::string_view::npos ? qname
                                                 : qname.substr(colon + 1);
    // The prefix is resolved where the faultcode stands; Client/Server and
    // their dotted subcodes (Server.Busy) are the envelope namespace's.
    out.server = local.substr(0, 6) == "Server";
  }
  if (auto s = fault_child(f, "faultstring"))
    out.faultstring = sanitize_text(xml::text(s));
  if (auto detail = fault_child(f, "detail")) {
    // ErrorCode/ErrorMessage directly under detail, or in a wrapper element
    // (our FaultDetail) one level down.
    auto take = [&](const node* n) {
      if (xml::is(n, contract, "ErrorCode"))
        out.error_code = sanitize_text(trim_xml_space(xml::text(n)));
      else if (xml::is(n, contract, "ErrorMessage"))
        out.error_message = sanitize_text(xml::text(n));
    };
    for (auto c = xml::first_element(detail); c; c = xml::next_element(c)) {
      take(c);
      for (auto cc = xml::first_element(c); cc; cc = xml::next_element(cc))
        take(cc);
    }
  }
  return out;
}

// A Ticket in an answer: known fields are kept; anything else is ignored so
// a USMS that adds fields does not break the gateway.
// Values must be XML 1.0 text: RapidXML decodes `&#1;` and passes bytes
// through without checking their encoding.
std::string read_answer_ticket(const node* t, std::string_view contract,
                               ticket_fields& out) {
  for (auto c = xml::first_element(t); c; c = xml::next_element(c)) {
    auto local = xml::local_name(c);
    auto def = field_by_soap_name(local);
    if (!def)
      continue;
    auto ns = xml::namespace_of(c);
    if (!ns || *ns != contract)
      continue;
    auto value = xml::text(c);
    if (auto p = check_xml_text(value); !p.empty())
      return "USMS answer has a Ticket whose " + std::string{local}
             + " holds " + p;
    out[std::string{local}] = std::move(value);
  }
  return {};
}

} // namespace

result<reply> parse_response(operation op, int api_version,
                             std::string_view body,
                             const parse_limits& limits) {
  if (api_version != 1 && api_version != 2)
    return parse_failure("UNSUPPORTED",
                         "USMS API version must be 1 or 2, not "
                           + std::to_string(api_version));
  if (!offered(op, api_version))
    return parse_failure("UNSUPPORTED", not_offered_message(op, api_version));
  xml::document doc;
  auto parts = read_envelope(doc, body, limits,
                             parse_subject{"USMS answer", "malformed", true});
  if (!parts)
    return parts.error();
  auto contract = contract_ns(api_version);
  auto top = parts->body_child;
  reply out;
  if (xml::is(top, envelope_ns, "Fault")) {
    out.fault_info = read_fault(top, contract);
    return out;
  }
  std::string expected{operation_name(op)};
  expected += "Response";
  if (xml::local_name(top) != expected)
    return parse_failure("not_soap", "USMS answer has "
                                       + xml::display_name(top) + " where "
                                       + expected + " was expected");
  if (auto ns = xml::namespace_of(top); !ns || *ns != contract)
    return parse_failure(
      "not_soap",
      "USMS answer has " + expected + " in namespace '"
        + (ns ? std::string{*ns} : std::string{"(unbound prefix)"})
        + "', expected '" + std::string{contract} + "'");
  auto missing = [&](std::string_view what) {
    return parse_failure("not_soap", "USMS answer " + expected + " has no "
                                       + std::string{what});
  };
  switch (op) {
    case operation::create_incident:
    case operation::create_ticket: {
      auto id = xml::find_child(top, contract, "TicketId");
      if (!id || has_child_elements(id))
        return missing("TicketId");
      out.ok.ticket_id = std::string{trim_xml_space(xml::text(id))};
      if (out.ok.ticket_id.empty())
        return parse_failure("not_soap", "USMS answer " + expected
                                           + " has an empty TicketId");
      if (auto p = check_xml_text(out.ok.ticket_id); !p.empty())
        return parse_failure("malformed",
                             "USMS answer has a TicketId that holds " + p);
      break;
    }
    case operation::update_ticket: {
      auto t = xml::find_child(top, contract, "Ticket");
      if (!t)
        return missing("Ticket");
      out.ok.tickets.emplace_back();
      if (auto e = read_answer_ticket(t, contract, out.ok.tickets.back());
          !e.empty())
        return parse_failure("malformed", std::move(e));
      break;
    }
    case operation::query_tickets: {
      auto total = xml::find_child(top, contract, "TotalCount");
      if (!total)
        return missing("TotalCount");
      auto n = parse_count(xml::text(total));
      if (n < 0)
        return parse_failure("not_soap",
                             "USMS answer QueryTicketsResponse has a "
                             "TotalCount that is not a count");
      out.ok.total_count = static_cast<int>(n);
      for (auto c = xml::first_element(top); c; c = xml::next_element(c)) {
        if (!xml::is(c, contract, "Ticket"))
          continue;
        out.ok.tickets.emplace_back();
        if (auto e = read_answer_ticket(c, contract, out.ok.tickets.back());
            !e.empty())
          return parse_failure("malformed", std::move(e));
      }
      break;
    }
  }
  return out;
}

} // namespace usms::soap
