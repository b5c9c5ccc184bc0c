// The pieces of every envelope that do not depend on a call's values,
// encoded once when a contract is loaded: the codec then only appends them.

#include "contract/contract_build.hpp"
#include "contract/soap_codec.hpp"

namespace usms::soap {

namespace {

constexpr std::string_view xml_decl
  = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

void encode_tags(element_tags& t, const std::string& prefix) {
  if (t.name.empty())
    return;
  t.open = "<" + prefix + ":" + t.name + ">";
  t.close = "</" + prefix + ":" + t.name + ">";
  t.empty = "<" + prefix + ":" + t.name + "/>";
}

std::string namespace_decl(const std::string& prefix, const std::string& ns) {
  return " xmlns:" + prefix + "=\"" + xml_escape(ns) + "\"";
}

void encode_operation(operation& op, const contract& c) {
  for (auto* t : {&op.request, &op.type_element, &op.ticket_id, &op.ticket,
                  &op.work_note, &op.filter, &op.limit, &op.answer,
                  &op.answer_ticket_id, &op.answer_ticket, &op.answer_total})
    encode_tags(*t, c.prefix);
  op.soap_action_header = "\"" + op.soap_action + "\"";
  op.head = std::string{xml_decl} + "<soapenv:Envelope xmlns:soapenv=\""
            + std::string{envelope_ns} + "\""
            + namespace_decl(c.prefix, op.ns) + ">";
  op.body_open = "<soapenv:Body>" + op.request.open;
  op.tail = op.request.close + "</soapenv:Body></soapenv:Envelope>";
  op.answer_open = "<soapenv:Body>" + op.answer.open;
  op.answer_tail = op.answer.close + "</soapenv:Body></soapenv:Envelope>";
  if (op.type_element)
    for (std::size_t t = 0; t < 3; ++t)
      if (op.types[t])
        op.type_text[t] = op.type_element.open + xml_escape(c.type_names[t])
                          + op.type_element.close;
}

} // namespace

bool is_xml_name(std::string_view s) {
  auto start = [](unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'
           || c >= 0x80;
  };
  if (s.empty() || !start(static_cast<unsigned char>(s[0])))
    return false;
  for (unsigned char c : s)
    if (!start(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.')
      return false;
  return check_xml_text(s).empty();
}

bool is_namespace_uri(std::string_view s) {
  return !s.empty() && s.find_first_of(" \t\r\n\"'<>&") == std::string::npos
         && check_xml_text(s).empty();
}

void encode_contract(contract& c) {
  for (auto& t : c.field_tags)
    encode_tags(t, c.prefix);
  for (auto& t : c.filter_tags)
    encode_tags(t, c.prefix);
  c.field_position.fill(-1);
  for (std::size_t k = 0; k < c.field_order.size(); ++k)
    c.field_position[c.field_order[k]] = static_cast<int8_t>(k);
  auto& f = c.faults;
  f.code_tags.name = f.code;
  f.message_tags.name = f.message;
  encode_tags(f.code_tags, c.prefix);
  encode_tags(f.message_tags, c.prefix);
  auto decl = namespace_decl(c.prefix, f.ns);
  if (f.detail.empty()) {
    f.detail_open = "<detail" + decl + ">";
    f.detail_close = "</detail>";
  } else {
    f.detail_open = "<detail><" + c.prefix + ":" + f.detail + decl + ">";
    f.detail_close = "</" + c.prefix + ":" + f.detail + "></detail>";
  }
  for (auto& op : c.operations)
    encode_operation(op, c);
}

} // namespace usms::soap
