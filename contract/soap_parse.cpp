// The reader half of the codec (declared in soap_codec.hpp): answers for the
// gateway, requests for the simulator. Untrusted bytes pass `check_body`
// before RapidXML sees them; elements are matched by namespace URI.

#include "contract/soap_codec.hpp"

#include <climits>

#include "contract/soap_rules.hpp"
#include "contract/ticket_fields.hpp"
#include "contract/xml_guard.hpp"
#include "contract/xml_reader.hpp"
#include "contract/xml_text.hpp"

namespace usms::soap {

namespace {

using xml::node;

constexpr std::string_view soap12_ns = "http://www.w3.org/2003/05/soap-envelope";

failure fail(std::string code, std::string message) {
  return failure{std::move(message), std::move(code)};
}

std::string_view trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos)
    return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// An xsd:int that is >= 0; -1 when the text is not one.
long parse_count(std::string_view text) {
  auto s = trim(text);
  if (!s.empty() && s.front() == '+')
    s.remove_prefix(1);
  if (s.empty() || s.size() > 10)
    return -1;
  long x = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return -1;
    x = x * 10 + (c - '0');
  }
  return x <= INT_MAX ? x : -1;
}

bool has_child_elements(const node* n) {
  return xml::first_element(n) != nullptr;
}

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

// Who is speaking, for messages: the gateway reads "USMS answer"s, the
// simulator reads "request"s.
struct subject {
  std::string_view name;   // "USMS answer"
  std::string_view code;   // failure code for structural problems
  bool answer;
};

failure guard_failure(const xml::guard_result& g, const subject& who) {
  using xml::guard_error;
  std::string name{who.name};
  auto code = [&](std::string_view answer_code) {
    return who.answer ? std::string{answer_code} : std::string{who.code};
  };
  switch (g.error) {
    case guard_error::empty:
      return fail(code("empty_body"), who.answer
                                        ? "USMS answered with an empty body"
                                        : "the request body is empty");
    case guard_error::html:
      return fail(code("html"),
                  (who.answer ? "USMS answered with an HTML page, not SOAP"
                              : "the request is an HTML page, not SOAP")
                    + (g.detail.empty() ? std::string{" (no title)"}
                                        : ": " + g.detail));
    case guard_error::not_xml:
      return fail(code("not_xml"),
                  name + " is not XML: " + g.detail);
    case guard_error::too_large:
      return fail(code("too_large"), name + " refused: " + g.detail);
    case guard_error::nul_byte:
      return fail(code("hostile"), name + " refused: " + g.detail);
    case guard_error::too_deep:
    case guard_error::too_many:
      return fail(code("hostile"), name + " refused: " + g.detail);
    case guard_error::doctype:
      return fail(code("hostile"), name + " refused: it holds " + g.detail
                                     + ", which SOAP does not allow");
    case guard_error::pi:
      return fail(code("hostile"), name + " refused: it holds " + g.detail
                                     + ", which SOAP does not allow");
    case guard_error::truncated:
      return fail(code("malformed"),
                  name + " is truncated XML: it " + g.detail);
    case guard_error::malformed:
    case guard_error::none:
      break;
  }
  return fail(code("malformed"), name + " is not well-formed XML: " + g.detail);
}

struct envelope_parts {
  const node* header = nullptr;
  const node* body_child = nullptr;
};

// Guards, parses and opens Envelope/Body. `doc` keeps the tree alive.
result<envelope_parts> open_envelope(xml::document& doc, std::string_view body,
                                     const parse_limits& limits,
                                     const subject& who) {
  auto g = xml::check_body(body, limits.max_bytes, limits.max_depth,
                           limits.max_nodes);
  if (!g)
    return guard_failure(g, who);
  std::string name{who.name};
  auto code = std::string{who.answer ? "malformed" : who.code};
  if (auto err = doc.parse(body); !err.empty())
    return fail(code, name + " is not well-formed XML: " + err);
  auto root = doc.root();
  auto not_soap = std::string{who.answer ? "not_soap" : who.code};
  if (!xml::is(root, envelope_ns, "Envelope")) {
    if (xml::is(root, soap12_ns, "Envelope"))
      return fail(not_soap, name + " is a SOAP 1.2 envelope; USMS speaks "
                                   "SOAP 1.1 (" + std::string{envelope_ns}
                              + ")");
    return fail(not_soap, name + " is not a SOAP 1.1 envelope: its root "
                                 "element is " + xml::display_name(root));
  }
  envelope_parts parts;
  parts.header = xml::find_child(root, envelope_ns, "Header");
  auto soap_body = xml::find_child(root, envelope_ns, "Body");
  if (!soap_body)
    return fail(not_soap, name + " has no SOAP Body");
  parts.body_child = xml::first_element(soap_body);
  if (!parts.body_child)
    return fail(not_soap, name + " has an empty SOAP Body");
  return parts;
}

// -- answers ----------------------------------------------------------------

fault read_fault(const node* f, std::string_view contract) {
  fault out;
  if (auto code = fault_child(f, "faultcode")) {
    auto text = xml::text(code);
    auto qname = trim(text);
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
        out.error_code = sanitize_text(trim(xml::text(n)));
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
    return fail("UNSUPPORTED", "USMS API version must be 1 or 2, not "
                                 + std::to_string(api_version));
  if (!offered(op, api_version))
    return fail("UNSUPPORTED", not_offered_message(op, api_version));
  xml::document doc;
  auto parts = open_envelope(doc, body, limits,
                             subject{"USMS answer", "malformed", true});
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
    return fail("not_soap", "USMS answer has " + xml::display_name(top)
                              + " where " + expected + " was expected");
  if (auto ns = xml::namespace_of(top); !ns || *ns != contract)
    return fail("not_soap",
                "USMS answer has " + expected + " in namespace '"
                  + (ns ? std::string{*ns} : std::string{"(unbound prefix)"})
                  + "', expected '" + std::string{contract} + "'");
  auto missing = [&](std::string_view what) {
    return fail("not_soap", "USMS answer " + expected + " has no "
                              + std::string{what});
  };
  switch (op) {
    case operation::create_incident:
    case operation::create_ticket: {
      auto id = xml::find_child(top, contract, "TicketId");
      if (!id || has_child_elements(id))
        return missing("TicketId");
      out.ok.ticket_id = std::string{trim(xml::text(id))};
      if (out.ok.ticket_id.empty())
        return fail("not_soap", "USMS answer " + expected
                                  + " has an empty TicketId");
      if (auto p = check_xml_text(out.ok.ticket_id); !p.empty())
        return fail("malformed", "USMS answer has a TicketId that holds " + p);
      break;
    }
    case operation::update_ticket: {
      auto t = xml::find_child(top, contract, "Ticket");
      if (!t)
        return missing("Ticket");
      out.ok.tickets.emplace_back();
      if (auto e = read_answer_ticket(t, contract, out.ok.tickets.back());
          !e.empty())
        return fail("malformed", std::move(e));
      break;
    }
    case operation::query_tickets: {
      auto total = xml::find_child(top, contract, "TotalCount");
      if (!total)
        return missing("TotalCount");
      auto n = parse_count(xml::text(total));
      if (n < 0)
        return fail("not_soap", "USMS answer QueryTicketsResponse has a "
                                "TotalCount that is not a count");
      out.ok.total_count = static_cast<int>(n);
      for (auto c = xml::first_element(top); c; c = xml::next_element(c)) {
        if (!xml::is(c, contract, "Ticket"))
          continue;
        out.ok.tickets.emplace_back();
        if (auto e = read_answer_ticket(c, contract, out.ok.tickets.back());
            !e.empty())
          return fail("malformed", std::move(e));
      }
      break;
    }
  }
  return out;
}

// -- requests ---------------------------------------------------------------

namespace {

// The children of a request element, each {contract}name with text only,
// at most once.
struct children {
  std::vector<std::pair<std::string_view, const node*>> items;

  const node* get(std::string_view name) const {
    for (auto& [n, x] : items)
      if (n == name)
        return x;
    return nullptr;
  }
};

// Collects the child elements of `parent` (`where` names it in messages).
// With `allowed` non-null, other names are refused.
std::string collect(const node* parent, std::string_view contract,
                    std::string_view where,
                    const std::vector<std::string_view>* allowed,
                    children& out) {
  for (auto c = xml::first_element(parent); c; c = xml::next_element(c)) {
    auto ns = xml::namespace_of(c);
    auto local = xml::local_name(c);
    if (!ns || *ns != contract)
      return "unexpected element " + xml::display_name(c) + " in "
             + std::string{where} + " (expected namespace "
             + std::string{contract} + ")";
    if (allowed) {
      bool known = false;
      for (auto a : *allowed)
        known = known || a == local;
      if (!known)
        return std::string{local} + " is not an element of "
               + std::string{where};
    }
    if (out.get(local))
      return std::string{local} + " appears more than once in "
             + std::string{where};
    out.items.emplace_back(local, c);
  }
  return {};
}

// Reads text-only children into `fields`.
std::string read_fields(const children& ch, std::string_view where,
                        ticket_fields& fields) {
  for (auto& [name, n] : ch.items) {
    if (has_child_elements(n))
      return std::string{name} + " in " + std::string{where}
             + " must hold text, not elements";
    fields.emplace(std::string{name}, xml::text(n));
  }
  return {};
}

std::string read_ticket(const node* t, std::string_view contract,
                        ticket_fields& fields) {
  children ch;
  if (auto e = collect(t, contract, "Ticket", nullptr, ch); !e.empty())
    return e;
  return read_fields(ch, "Ticket", fields);
}

std::string read_type(const children& ch, ticket_type& type) {
  auto n = ch.get("TicketType");
  if (!n)
    return "TicketType is required";
  auto text = xml::text(n);
  auto t = parse_soap_ticket_type(text);
  if (!t)
    return "TicketType '" + text + "' is not Incident, Change or Problem";
  type = *t;
  return {};
}

void read_security(const node* header, incoming& in) {
  if (!header)
    return;
  auto sec = xml::find_child(header, wsse_ns, "Security");
  auto token = sec ? xml::find_child(sec, wsse_ns, "UsernameToken") : nullptr;
  if (!token)
    return;
  credentials creds;
  if (auto u = xml::find_child(token, wsse_ns, "Username"))
    creds.username = xml::text(u);
  if (auto p = xml::find_child(token, wsse_ns, "Password")) {
    creds.password = xml::text(p);
    in.has_password = true;
  }
  in.creds = std::move(creds);
}

} // namespace

result<incoming> parse_request(std::string_view body, int served_api_version,
                               const parse_limits& limits) {
  xml::document doc;
  auto parts = open_envelope(doc, body, limits,
                             subject{"the request", "VALIDATION", false});
  if (!parts)
    return parts.error();
  incoming in;
  read_security(parts->header, in);
  auto top = parts->body_child;
  auto local = xml::local_name(top);
  constexpr std::string_view suffix = "Request";
  if (local.size() <= suffix.size()
      || local.substr(local.size() - suffix.size()) != suffix)
    return fail("VALIDATION", "the SOAP Body holds " + xml::display_name(top)
                                + ", not an operation request such as "
                                  "CreateTicketRequest");
  auto op_name = local.substr(0, local.size() - suffix.size());
  auto op = parse_operation_name(op_name);
  if (!op)
    return fail("UNSUPPORTED", std::string{op_name}
                                 + " is not an operation of USMS API v"
                                 + std::to_string(served_api_version));
  if (!offered(*op, served_api_version))
    return fail("UNSUPPORTED", not_offered_message(*op, served_api_version));
  auto contract = contract_ns(served_api_version);
  auto ns = xml::namespace_of(top);
  if (!ns || *ns != contract)
    return fail("VALIDATION",
                "USMS API v" + std::to_string(served_api_version)
                  + " expects " + std::string{local} + " in namespace '"
                  + std::string{contract} + "', not '"
                  + (ns ? std::string{*ns} : std::string{"(unbound prefix)"})
                  + "'");

  call& c = in.request;
  c.op = *op;
  c.api_version = served_api_version;
  std::string where{local};
  children ch;
  std::string err;
  static const std::vector<std::string_view> create_ticket_children{
    "TicketType", "Ticket"};
  static const std::vector<std::string_view> update_ticket_children{
    "TicketType", "TicketId", "Ticket", "WorkNote"};
  static const std::vector<std::string_view> query_children{
    "TicketType", "Filter", "MaxResults"};
  switch (c.op) {
    case operation::create_incident:
      c.type = ticket_type::incident;
      err = collect(top, contract, where, &create_incident_fields(), ch);
      if (err.empty())
        err = read_fields(ch, where, c.fields);
      if (err.empty())
        err = check_create_incident(c.fields);
      break;
    case operation::create_ticket: {
      err = collect(top, contract, where, &create_ticket_children, ch);
      if (err.empty())
        err = read_type(ch, c.type);
      auto t = ch.get("Ticket");
      if (err.empty() && !t)
        err = "Ticket is required";
      if (err.empty())
        err = read_ticket(t, contract, c.fields);
      if (err.empty())
        err = check_ticket(c.fields, c.type, true);
      break;
    }
    case operation::update_ticket: {
      err = collect(top, contract, where, &update_ticket_children, ch);
      if (err.empty())
        err = read_type(ch, c.type);
      auto id = ch.get("TicketId");
      auto t = ch.get("Ticket");
      if (err.empty() && (!id || trim(xml::text(id)).empty()))
        err = "TicketId is required";
      if (err.empty() && !t)
        err = "Ticket is required";
      if (err.empty()) {
        c.ticket_id = xml::text(id);
        if (auto note = ch.get("WorkNote"))
          c.work_note = xml::text(note);
        err = read_ticket(t, contract, c.fields);
      }
      if (err.empty())
        err = check_call(c);
      break;
    }
    case operation::query_tickets: {
      err = collect(top, contract, where, &query_children, ch);
      if (err.empty())
        err = read_type(ch, c.type);
      if (err.empty()) {
        if (auto f = ch.get("Filter")) {
          children fc;
          err = collect(f, contract, "Filter", &query_filter_fields(), fc);
          if (err.empty())
            err = read_fields(fc, "Filter", c.filter);
        }
      }
      if (err.empty()) {
        auto m = ch.get("MaxResults");
        long n = m ? parse_count(xml::text(m)) : -1;
        if (!m)
          err = "MaxResults is required";
        else if (n < 0)
          err = "MaxResults must be a non-negative integer";
        else
          c.max_results = static_cast<int>(n);
      }
      if (err.empty())
        err = check_filter(c.filter, c.type);
      break;
    }
  }
  if (!err.empty())
    return fail("VALIDATION", std::move(err));
  return in;
}

} // namespace usms::soap
