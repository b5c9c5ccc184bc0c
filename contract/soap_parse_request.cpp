// The simulator's reader (declared in soap_codec.hpp): request envelopes,
// checked as strictly as the contract's schema and rules say, since every
// refusal becomes the Client fault a real USMS would answer.

#include <string>
#include <utility>
#include <vector>

#include "contract/soap_codec.hpp"
#include "contract/soap_parse_envelope.hpp"
#include "contract/soap_rules.hpp"
#include "contract/ticket_fields.hpp"

namespace usms::soap {

namespace {

using xml::node;

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
  auto parts = read_envelope(doc, body, limits,
                             parse_subject{"the request", "VALIDATION", false});
  if (!parts)
    return parts.error();
  incoming in;
  read_security(parts->header, in);
  auto top = parts->body_child;
  auto local = xml::local_name(top);
  constexpr std::string_view suffix = "Request";
  if (local.size() <= suffix.size()
      || local.substr(local.size() - suffix.size()) != suffix)
    return parse_failure("VALIDATION", "the SOAP Body holds "
                                         + xml::display_name(top)
                                         + ", not an operation request such "
                                           "as CreateTicketRequest");
  auto op_name = local.substr(0, local.size() - suffix.size());
  auto op = parse_operation_name(op_name);
  if (!op)
    return parse_failure("UNSUPPORTED",
                         std::string{op_name}
                           + " is not an operation of USMS API v"
                           + std::to_string(served_api_version));
  if (!offered(*op, served_api_version))
    return parse_failure("UNSUPPORTED",
                         not_offered_message(*op, served_api_version));
  auto contract = contract_ns(served_api_version);
  auto ns = xml::namespace_of(top);
  if (!ns || *ns != contract)
    return parse_failure(
      "VALIDATION",
      "USMS API v" + std::to_string(served_api_version) + " expects "
        + std::string{local} + " in namespace '" + std::string{contract}
        + "', not '"
        + (ns ? std::string{*ns} : std::string{"(unbound prefix)"}) + "'");

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
      if (err.empty() && (!id || trim_xml_space(xml::text(id)).empty()))
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
    return parse_failure("VALIDATION", std::move(err));
  return in;
}

} // namespace usms::soap
