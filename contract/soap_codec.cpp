#include "contract/soap_codec.hpp"

#include <array>

#include "contract/soap_rules.hpp"
#include "contract/ticket_fields.hpp"
#include "contract/xml_text.hpp"

// The writer half of the codec. Every envelope is built into one reserved
// std::string from the pieces the contract encoded at load time; only the
// values are escaped here. The readers are soap_parse_response.cpp (the
// gateway's) and soap_parse_request.cpp (the simulator's).

namespace usms::soap {

namespace {

constexpr std::string_view xml_decl
  = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
constexpr std::string_view password_text_type
  = "http://docs.oasis-open.org/wss/2004/01/"
    "oasis-200401-wss-username-token-profile-1.0#PasswordText";

// The model index of the Status filter (query_filter_fields()).
constexpr uint8_t status_filter = 1;

failure fail(std::string code, std::string message) {
  return failure{std::move(message), std::move(code)};
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

// Values are checked before writing, except in answers, which cannot fail.
template <bool Lossy = false>
void element(std::string& out, const element_tags& tags,
             std::string_view value) {
  out += tags.open;
  if constexpr (Lossy)
    append_escaped_lossy(out, value);
  else
    append_escaped(out, value);
  out += tags.close;
}

// The model spelling a value map is keyed by: xsd:int and xsd:boolean allow
// several spellings of one value ("03", "+3"; "1" for true).
std::string_view canonical(field_kind kind, std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t'
                        || v.front() == '\n' || v.front() == '\r'))
    v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t'
                        || v.back() == '\n' || v.back() == '\r'))
    v.remove_suffix(1);
  if (kind == field_kind::boolean)
    return v == "1" ? "true" : v == "0" ? "false" : v;
  if (kind == field_kind::priority) {
    if (!v.empty() && v.front() == '+')
      v.remove_prefix(1);
    while (v.size() > 1 && v.front() == '0')
      v.remove_prefix(1);
  }
  return v;
}

// One field's element, its value in the contract's spelling.
template <bool Lossy>
void field_element(std::string& out, const contract& k, std::size_t index,
                   ticket_type type, std::string_view value) {
  auto kind = ticket_field_defs()[index].kind;
  if (auto map = k.values_for(kind, type))
    value = map->to_wire(canonical(kind, value));
  element<Lossy>(out, k.field_tags[index], value);
}

// Writes the fields of `fields` that `slot_of` places, in that order,
// without allocating: one pass over the map fills a slot per position.
template <bool Lossy = false>
void fields_in_order(std::string& out, const contract& k, ticket_type type,
                     const ticket_fields& fields,
                     const std::vector<uint8_t>& order,
                     const std::array<int8_t, model_field_count>& slot_of,
                     const element_tags& wrapper) {
  std::array<const std::string*, model_field_count> slot{};
  bool any = false;
  for (auto& [name, value] : fields) {
    auto i = model_field_index(name);
    if (i < 0 || slot_of[static_cast<std::size_t>(i)] < 0)
      continue;
    slot[static_cast<std::size_t>(slot_of[static_cast<std::size_t>(i)])]
      = &value;
    any = true;
  }
  if (wrapper && !any) {
    out += wrapper.empty;
    return;
  }
  if (wrapper)
    out += wrapper.open;
  for (std::size_t s = 0; s < order.size(); ++s)
    if (slot[s])
      field_element<Lossy>(out, k, order[s], type, *slot[s]);
  if (wrapper)
    out += wrapper.close;
}

void filter_elements(std::string& out, const contract& k,
                     const operation& op, const call& c) {
  std::array<const std::string*, filter_field_count> slot{};
  bool any = false;
  for (auto& [name, value] : c.filter) {
    auto i = model_filter_index(name);
    if (i < 0 || op.filter_slot[static_cast<std::size_t>(i)] < 0)
      continue;
    slot[static_cast<std::size_t>(op.filter_slot[static_cast<std::size_t>(i)])]
      = &value;
    any = true;
  }
  if (op.filter && !any) {
    out += op.filter.empty;
    return;
  }
  if (op.filter)
    out += op.filter.open;
  for (std::size_t s = 0; s < op.filters.size(); ++s) {
    if (!slot[s])
      continue;
    std::string_view value = *slot[s];
    // Status is the one filter whose values the contract may spell its way.
    if (op.filters[s] == status_filter)
      value = k.statuses[static_cast<std::size_t>(c.type)].to_wire(value);
    element(out, k.filter_tags[op.filters[s]], value);
  }
  if (op.filter)
    out += op.filter.close;
}

template <bool Lossy>
void answer_ticket(std::string& out, const contract& k, const operation& op,
                   ticket_type type, const ticket_fields& t) {
  fields_in_order<Lossy>(out, k, type, t, k.field_order, k.field_position,
                         op.answer_ticket);
}

std::size_t estimate(const ticket_fields& fields) {
  std::size_t n = 0;
  for (auto& [name, value] : fields)
    n += 2 * name.size() + 16 + value.size() + value.size() / 8;
  return n;
}

} // namespace

std::string not_offered_message(const contract& k, action a, ticket_type t) {
  return std::string{to_string(a)} + " " + std::string{to_string(t)}
         + " is not offered by " + k.name + " (it offers " + k.offered_list()
         + ")";
}

result<std::string> build_request(const contract& k, const call& c,
                                  const credentials& creds) {
  auto op = k.sent(c.act, c.type);
  if (!op)
    return fail("UNSUPPORTED", not_offered_message(k, c.act, c.type));
  return build_request(k, *op, c, creds);
}

result<std::string> build_request(const contract& k, const operation& o,
                                  const call& c, const credentials& creds) {
  auto op = &o;
  if (op->act != c.act || !op->has_type(c.type))
    return fail("UNSUPPORTED", op->name + " does not "
                                 + std::string{to_string(c.act)} + " "
                                 + std::string{to_string(c.type)}
                                 + " tickets");
  if (auto p = check_call(*op, c); !p.empty())
    return fail("VALIDATION", std::move(p));
  if (auto p = check_xml_text(creds.username); !p.empty())
    return fail("VALIDATION", "the SOAP username holds " + p);
  if (auto p = check_xml_text(creds.password); !p.empty())
    return fail("VALIDATION", "the SOAP password holds " + p);

  std::string out;
  out.reserve(op->head.size() + op->body_open.size() + op->tail.size() + 400
              + creds.username.size() + creds.password.size()
              + estimate(c.fields) + estimate(c.filter) + c.ticket_id.size()
              + c.work_note.size() + c.work_note.size() / 8);
  out += op->head;
  if (k.ws_security)
    security_header(out, creds);
  out += op->body_open;
  for (auto part : op->parts) {
    switch (part) {
      case request_part::type:
        out += op->type_text[static_cast<std::size_t>(c.type)];
        break;
      case request_part::ticket_id:
        element(out, op->ticket_id, c.ticket_id);
        break;
      case request_part::fields:
        fields_in_order(out, k, c.type, c.fields, op->fields, op->field_slot,
                        op->ticket);
        break;
      case request_part::work_note:
        if (!c.work_note.empty())
          element(out, op->work_note, c.work_note);
        break;
      case request_part::filter:
        filter_elements(out, k, *op, c);
        break;
      case request_part::limit:
        element(out, op->limit, std::to_string(c.max_results));
        break;
    }
  }
  out += op->tail;
  return out;
}

std::string build_response(const contract& k, const operation& op,
                           const call& c, const answer& a) {
  std::string out;
  std::size_t size = op.head.size() + op.answer_open.size() + 200;
  for (auto& t : a.tickets)
    size += estimate(t) + 40;
  out.reserve(size);
  out += op.head;
  out += op.answer_open;
  switch (op.act) {
    case action::create:
      element<true>(out, op.answer_ticket_id, a.ticket_id);
      break;
    case action::update:
      answer_ticket<true>(out, k, op, c.type,
                          a.tickets.empty() ? ticket_fields{}
                                            : a.tickets.front());
      break;
    case action::query:
      if (op.answer_total && op.total_first)
        element(out, op.answer_total, std::to_string(a.total_count));
      for (auto& t : a.tickets)
        answer_ticket<true>(out, k, op, c.type, t);
      if (op.answer_total && !op.total_first)
        element(out, op.answer_total, std::to_string(a.total_count));
      break;
  }
  out += op.answer_tail;
  return out;
}

std::string build_fault(const contract& k, const fault& f) {
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
    out += k.faults.detail_open;
    element<true>(out, k.faults.code_tags, k.faults.wire(f.error_code));
    element<true>(out, k.faults.message_tags, f.error_message);
    out += k.faults.detail_close;
  }
  out += "</soapenv:Fault></soapenv:Body></soapenv:Envelope>";
  return out;
}

} // namespace usms::soap
