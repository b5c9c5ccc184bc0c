// The gateway's reader (declared in soap_codec.hpp): USMS answers and faults,
// read as the contract describes them and turned into the ticket model.

#include <string>

#include "contract/soap_codec.hpp"
#include "contract/soap_parse_envelope.hpp"
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

fault read_fault(const node* f, const fault_layout& layout) {
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
    // The code and message directly under detail, or in a wrapper element
    // (ours is FaultDetail) one level down.
    auto take = [&](const node* n) {
      if (xml::is(n, layout.ns, layout.code))
        out.error_code = std::string{
          layout.ours(sanitize_text(trim_xml_space(xml::text(n))))};
      else if (xml::is(n, layout.ns, layout.message))
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

// A ticket in an answer: fields the contract maps are kept, in the model's
// names and spellings; anything else is ignored so a USMS that adds fields
// does not break the gateway. A value the contract does not spell stays as
// it came. Values must be XML 1.0 text: RapidXML decodes `&#1;` and passes
// bytes through without checking their encoding.
std::string read_answer_ticket(const node* t, const contract& k,
                               const operation& op, ticket_type type,
                               ticket_fields& out) {
  auto& defs = ticket_field_defs();
  for (auto c = xml::first_element(t); c; c = xml::next_element(c)) {
    auto local = xml::local_name(c);
    auto i = k.field_of_element(local);
    if (i < 0)
      continue;
    auto ns = xml::namespace_of(c);
    if (!ns || *ns != op.ns)
      continue;
    auto value = xml::text(c);
    if (auto p = check_xml_text(value); !p.empty())
      return "USMS answer has a " + op.answer_ticket.name + " whose "
             + std::string{local}
             + " holds " + p;
    auto& def = defs[static_cast<std::size_t>(i)];
    if (auto map = k.values_for(def.kind, type))
      if (auto model = map->to_model(trim_xml_space(value)))
        value = std::string{*model};
    out[std::string{def.soap_name}] = std::move(value);
  }
  return {};
}

} // namespace

result<reply> parse_response(const contract& k, action a, ticket_type type,
                             std::string_view body,
                             const parse_limits& limits) {
  auto op = k.sent(a, type);
  if (!op)
    return parse_failure("UNSUPPORTED", not_offered_message(k, a, type));
  return parse_response(k, *op, type, body, limits);
}

result<reply> parse_response(const contract& k, const operation& o,
                             ticket_type type, std::string_view body,
                             const parse_limits& limits) {
  auto op = &o;
  auto a = op->act;
  xml::document doc;
  auto parts = read_envelope(doc, body, limits,
                             parse_subject{"USMS answer", "malformed", true});
  if (!parts)
    return parts.error();
  auto top = parts->body_child;
  reply out;
  if (xml::is(top, envelope_ns, "Fault")) {
    out.fault_info = read_fault(top, k.faults);
    return out;
  }
  auto& expected = op->answer.name;
  auto& ns = op->ns;
  if (xml::local_name(top) != expected)
    return parse_failure("not_soap", "USMS answer has "
                                       + xml::display_name(top) + " where "
                                       + expected + " was expected");
  if (auto got = xml::namespace_of(top); !got || *got != ns)
    return parse_failure(
      "not_soap",
      "USMS answer has " + expected + " in namespace '"
        + (got ? std::string{*got} : std::string{"(unbound prefix)"})
        + "', expected '" + ns + "'");
  auto missing = [&](std::string_view what) {
    return parse_failure("not_soap", "USMS answer " + expected + " has no "
                                       + std::string{what});
  };
  switch (a) {
    case action::create: {
      auto& name = op->answer_ticket_id.name;
      auto id = xml::find_child(top, ns, name);
      if (!id || has_child_elements(id))
        return missing(name);
      out.ok.ticket_id = std::string{trim_xml_space(xml::text(id))};
      if (out.ok.ticket_id.empty())
        return parse_failure("not_soap", "USMS answer " + expected
                                           + " has an empty " + name);
      if (auto p = check_xml_text(out.ok.ticket_id); !p.empty())
        return parse_failure("malformed", "USMS answer has a " + name
                                            + " that holds " + p);
      break;
    }
    case action::update: {
      auto t = xml::find_child(top, ns, op->answer_ticket.name);
      if (!t)
        return missing(op->answer_ticket.name);
      out.ok.tickets.emplace_back();
      if (auto e = read_answer_ticket(t, k, *op, type, out.ok.tickets.back());
          !e.empty())
        return parse_failure("malformed", std::move(e));
      break;
    }
    case action::query: {
      for (auto c = xml::first_element(top); c; c = xml::next_element(c)) {
        if (!xml::is(c, ns, op->answer_ticket.name))
          continue;
        out.ok.tickets.emplace_back();
        if (auto e = read_answer_ticket(c, k, *op, type,
                                        out.ok.tickets.back());
            !e.empty())
          return parse_failure("malformed", std::move(e));
      }
      out.ok.total_count = static_cast<int>(out.ok.tickets.size());
      if (op->answer_total) {
        auto& name = op->answer_total.name;
        auto total = xml::find_child(top, ns, name);
        if (!total)
          return missing(name);
        auto n = parse_count(xml::text(total));
        if (n < 0)
          return parse_failure("not_soap", "USMS answer " + expected
                                             + " has a " + name
                                             + " that is not a count");
        out.ok.total_count = static_cast<int>(n);
      }
      break;
    }
  }
  return out;
}

} // namespace usms::soap
