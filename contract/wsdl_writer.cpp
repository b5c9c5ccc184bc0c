// Writes the schema and WSDL a contract describes. Names and layout follow
// the shipped usms-v2.wsdl: simple types first (Level, TicketType,
// ChangeType, Flag, ErrorCode), then Ticket and TicketFilter, then each
// operation's request and answer elements, then the fault detail. Every
// namespace the contract uses gets a schema of its own with its own copies
// of the types it needs, since the codec qualifies an operation's children
// in that operation's namespace.

#include "contract/wsdl_writer.hpp"

#include <algorithm>

#include "contract/soap_codec.hpp"

namespace usms::soap {

namespace {

constexpr std::array<std::string_view, 6> our_codes{
  "VALIDATION", "NOT_FOUND", "TRANSITION", "AUTH", "UNSUPPORTED",
  "UNAVAILABLE"};

// Lines with indentation.
class lines {
public:
  explicit lines(int indent) : indent_(indent) {}
  lines& operator()(int depth, const std::string& text) {
    if (!text.empty())
      out_.append(static_cast<std::size_t>(indent_ + 2 * depth), ' ');
    out_ += text;
    out_ += '\n';
    return *this;
  }
  std::string& text() { return out_; }

private:
  int indent_;
  std::string out_;
};

std::string attr(std::string_view s) {
  return xml_escape(s);
}

// Text for an XML comment, which cannot hold "--".
std::string comment_text(std::string s) {
  for (auto at = s.find("--"); at != std::string::npos; at = s.find("--"))
    s.replace(at, 2, "- -");
  return s;
}

// What one namespace's schema holds.
struct schema_plan {
  std::string ns;
  std::vector<const operation*> ops;
  bool faults = false;
  bool level = false, ticket_type = false, change_type = false, flag = false;
  bool ticket = false, filter = false;
};

void uses_kind(schema_plan& s, const contract& k, field_kind kind) {
  s.level = s.level || kind == field_kind::priority;
  s.change_type = s.change_type || kind == field_kind::change_type;
  s.flag = s.flag || (kind == field_kind::boolean && !k.booleans.empty());
}

std::vector<schema_plan> plan(const contract& k) {
  std::vector<schema_plan> out;
  auto get = [&](const std::string& ns) -> schema_plan& {
    for (auto& s : out)
      if (s.ns == ns)
        return s;
    out.push_back(schema_plan{ns, {}, false});
    return out.back();
  };
  get(k.ns);
  auto& defs = ticket_field_defs();
  for (auto& op : k.operations) {
    auto& s = get(op.ns);
    s.ops.push_back(&op);
    s.ticket_type = s.ticket_type || op.type_element;
    bool whole_ticket = op.ticket || op.answer_ticket;
    s.ticket = s.ticket || whole_ticket;
    s.filter = s.filter || op.filter;
    if (whole_ticket)
      for (auto i : k.field_order)
        uses_kind(s, k, defs[i].kind);
    if (!op.ticket)
      for (auto i : op.fields)
        uses_kind(s, k, defs[i].kind);
  }
  get(k.faults.ns).faults = true;
  return out;
}

std::string field_type(const contract& k, field_kind kind,
                       const std::string& prefix) {
  switch (kind) {
    case field_kind::priority:
      return prefix + ":Level";
    case field_kind::boolean:
      return k.booleans.empty() ? "xsd:boolean" : prefix + ":Flag";
    case field_kind::date_time:
      return "xsd:dateTime";
    case field_kind::change_type:
      return prefix + ":ChangeType";
    case field_kind::text:
    case field_kind::status:
      break;
  }
  return "xsd:string";
}

std::string filter_type(std::size_t index) {
  return query_filter_fields()[index] == "UpdatedSince" ? "xsd:dateTime"
                                                        : "xsd:string";
}

void enumeration(lines& l, const std::string& name,
                 const std::vector<std::string>& values) {
  l(1, "<xsd:simpleType name=\"" + name + "\">");
  l(2, "<xsd:restriction base=\"xsd:string\">");
  for (auto& v : values)
    l(3, "<xsd:enumeration value=\"" + attr(v) + "\"/>");
  l(2, "</xsd:restriction>");
  l(1, "</xsd:simpleType>");
  l(0, "");
}

std::vector<std::string> spelled(const value_map& m,
                                 std::initializer_list<std::string_view> xs) {
  std::vector<std::string> out;
  for (auto x : xs)
    out.emplace_back(m.to_wire(x));
  return out;
}

void simple_types(lines& l, const contract& k, const schema_plan& s) {
  if (s.level) {
    if (k.priorities.empty()) {
      l(1, "<xsd:simpleType name=\"Level\">");
      l(2, "<xsd:restriction base=\"xsd:int\">");
      l(3, "<xsd:minInclusive value=\"1\"/>");
      l(3, "<xsd:maxInclusive value=\"5\"/>");
      l(2, "</xsd:restriction>");
      l(1, "</xsd:simpleType>");
      l(0, "");
    } else {
      enumeration(l, "Level", spelled(k.priorities, {"1", "2", "3", "4", "5"}));
    }
  }
  if (s.ticket_type) {
    std::vector<std::string> names;
    for (std::size_t t = 0; t < 3; ++t) {
      bool used = false;
      for (auto op : s.ops)
        used = used || (op->type_element && op->types[t]);
      if (used)
        names.push_back(k.type_names[t]);
    }
    enumeration(l, "TicketType", names);
  }
  if (s.change_type)
    enumeration(l, "ChangeType",
                spelled(k.change_types, {"Standard", "Normal", "Emergency"}));
  if (s.flag)
    enumeration(l, "Flag", spelled(k.booleans, {"true", "false"}));
  if (s.faults) {
    std::vector<std::string> codes;
    for (auto ours : our_codes) {
      bool mapped = false;
      for (auto& [wire, o] : k.faults.codes)
        if (o == ours) {
          mapped = true;
          if (std::find(codes.begin(), codes.end(), wire) == codes.end())
            codes.push_back(wire);
        }
      if (!mapped)
        codes.emplace_back(ours);
    }
    enumeration(l, "ErrorCode", codes);
  }
}

void element_line(lines& l, int depth, const std::string& name,
                  const std::string& type, bool optional) {
  l(depth, "<xsd:element name=\"" + name + "\" type=\"" + type + "\""
             + (optional ? " minOccurs=\"0\"" : "") + "/>");
}

void complex_types(lines& l, const contract& k, const schema_plan& s) {
  auto& p = k.prefix;
  auto& defs = ticket_field_defs();
  if (s.ticket) {
    l(1, "<xsd:complexType name=\"Ticket\">");
    l(2, "<xsd:sequence>");
    for (auto i : k.field_order)
      element_line(l, 3, k.field_tags[i].name, field_type(k, defs[i].kind, p),
                   true);
    l(2, "</xsd:sequence>");
    l(1, "</xsd:complexType>");
    l(0, "");
  }
  if (s.filter) {
    l(1, "<xsd:complexType name=\"TicketFilter\">");
    l(2, "<xsd:sequence>");
    for (auto i : k.filter_order)
      element_line(l, 3, k.filter_tags[i].name, filter_type(i), true);
    l(2, "</xsd:sequence>");
    l(1, "</xsd:complexType>");
    l(0, "");
  }
}

void open_element(lines& l, const std::string& name) {
  l(1, "<xsd:element name=\"" + name + "\">");
  l(2, "<xsd:complexType>");
  l(3, "<xsd:sequence>");
}

void close_element(lines& l) {
  l(3, "</xsd:sequence>");
  l(2, "</xsd:complexType>");
  l(1, "</xsd:element>");
  l(0, "");
}

void request_element(lines& l, const contract& k, const operation& op) {
  auto& p = k.prefix;
  auto& defs = ticket_field_defs();
  open_element(l, op.request.name);
  for (auto part : op.parts) {
    switch (part) {
      case request_part::type:
        element_line(l, 4, op.type_element.name, p + ":TicketType", false);
        break;
      case request_part::ticket_id:
        element_line(l, 4, op.ticket_id.name, "xsd:string", false);
        break;
      case request_part::fields:
        if (op.ticket) {
          element_line(l, 4, op.ticket.name, p + ":Ticket", false);
          break;
        }
        // A create needs its Summary; everything else may be left out.
        for (auto i : op.fields)
          element_line(l, 4, k.field_tags[i].name,
                       field_type(k, defs[i].kind, p),
                       !(op.act == action::create
                         && defs[i].soap_name == "Summary"));
        break;
      case request_part::work_note:
        element_line(l, 4, op.work_note.name, "xsd:string", true);
        break;
      case request_part::filter:
        if (op.filter) {
          element_line(l, 4, op.filter.name, p + ":TicketFilter", false);
          break;
        }
        for (auto i : op.filters)
          element_line(l, 4, k.filter_tags[i].name, filter_type(i), true);
        break;
      case request_part::limit:
        l(4, "<xsd:element name=\"" + op.limit.name + "\">");
        l(5, "<xsd:simpleType>");
        l(6, "<xsd:restriction base=\"xsd:int\">");
        l(7, "<xsd:minInclusive value=\"0\"/>");
        l(6, "</xsd:restriction>");
        l(5, "</xsd:simpleType>");
        l(4, "</xsd:element>");
        break;
    }
  }
  close_element(l);
}

void answer_element(lines& l, const contract& k, const operation& op) {
  auto& p = k.prefix;
  open_element(l, op.answer.name);
  auto total = [&] {
    if (op.answer_total)
      element_line(l, 4, op.answer_total.name, "xsd:int", false);
  };
  switch (op.act) {
    case action::create:
      element_line(l, 4, op.answer_ticket_id.name, "xsd:string", false);
      break;
    case action::update:
      element_line(l, 4, op.answer_ticket.name, p + ":Ticket", false);
      break;
    case action::query:
      if (op.total_first)
        total();
      l(4, "<xsd:element name=\"" + op.answer_ticket.name + "\" type=\"" + p
             + ":Ticket\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>");
      if (!op.total_first)
        total();
      break;
  }
  close_element(l);
}

void fault_elements(lines& l, const contract& k) {
  auto& f = k.faults;
  auto code_type = k.prefix + ":ErrorCode";
  if (f.detail.empty()) {
    element_line(l, 1, f.code, code_type, false);
    element_line(l, 1, f.message, "xsd:string", false);
    return;
  }
  open_element(l, f.detail);
  element_line(l, 4, f.code, code_type, false);
  element_line(l, 4, f.message, "xsd:string", false);
  close_element(l);
}

// The contract file's name without its folders.
std::string file_name(const contract& k) {
  return k.source.substr(k.source.find_last_of('/') + 1);
}

std::string documentation(const contract& k) {
  std::string out = "USMS ticket contract \"" + k.name
                    + "\" (SOAP 1.1, document/literal), written from the "
                      "contract file " + file_name(k) + ".";
  for (auto type :
       {ticket_type::incident, ticket_type::change, ticket_type::problem}) {
    out += " " + std::string{soap_name(type)} + " status values:";
    auto& values = status_values(type);
    for (std::size_t i = 0; i < values.size(); ++i)
      out += (i ? ", " : " ")
             + std::string{k.statuses[static_cast<std::size_t>(type)]
                             .to_wire(values[i])};
    out += ".";
  }
  return attr(out);
}

std::string schema(const contract& k, const schema_plan& s, int indent) {
  lines l{indent};
  l(0, "<xsd:schema xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"");
  l(0, "            xmlns:" + k.prefix + "=\"" + attr(s.ns) + "\"");
  l(0, "            targetNamespace=\"" + attr(s.ns) + "\"");
  l(0, "            elementFormDefault=\"qualified\">");
  l(1, "<xsd:annotation>");
  l(2, "<xsd:documentation>" + documentation(k) + "</xsd:documentation>");
  l(1, "</xsd:annotation>");
  l(0, "");
  simple_types(l, k, s);
  complex_types(l, k, s);
  for (auto op : s.ops) {
    request_element(l, k, *op);
    answer_element(l, k, *op);
  }
  if (s.faults)
    fault_elements(l, k);
  auto& text = l.text();
  // No blank line before the end tag.
  while (text.size() > 1 && text[text.size() - 2] == '\n')
    text.pop_back();
  l(0, "</xsd:schema>");
  return text;
}

// The prefix of a namespace in the WSDL's own declarations.
std::string wsdl_prefix(const contract& k, const std::vector<schema_plan>& ss,
                        const std::string& ns) {
  for (std::size_t i = 0; i < ss.size(); ++i)
    if (ss[i].ns == ns)
      return i == 0 ? k.prefix : "ns" + std::to_string(i);
  return k.prefix;
}

} // namespace

std::vector<schema_text> generate_schemas(const contract& k) {
  std::vector<schema_text> out;
  for (auto& s : plan(k))
    out.emplace_back(s.ns, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             + schema(k, s, 0));
  return out;
}

std::string generate_wsdl(const contract& k, std::string_view location) {
  auto ss = plan(k);
  auto& p = k.prefix;
  lines l{0};
  l(0, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
  l(0, "<!-- " + comment_text("USMS ticket service \"" + k.name
                                + "\": SOAP 1.1, document/literal, written "
                                  "from the contract file "
                                + file_name(k) + ".")
         + " -->");
  l(0, "<wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\"");
  l(0, "                  xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap/\"");
  l(0, "                  xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"");
  for (auto& s : ss)
    l(0, "                  xmlns:" + wsdl_prefix(k, ss, s.ns) + "=\""
           + attr(s.ns) + "\"");
  l(0, "                  targetNamespace=\"" + attr(k.ns) + "\"");
  l(0, "                  name=\"UsmsTicketService\">");
  l(1, "<wsdl:types>");
  auto& text = l.text();
  for (auto& s : ss)
    text += schema(k, s, 4);
  l(1, "</wsdl:types>");
  l(0, "");
  auto message = [&](const std::string& name, const std::string& ns) {
    l(1, "<wsdl:message name=\"" + name + "\">");
    l(2, "<wsdl:part name=\"parameters\" element=\""
           + wsdl_prefix(k, ss, ns) + ":" + name + "\"/>");
    l(1, "</wsdl:message>");
  };
  for (auto& op : k.operations) {
    message(op.request.name, op.ns);
    message(op.answer.name, op.ns);
  }
  auto& f = k.faults;
  l(1, "<wsdl:message name=\"UsmsFault\">");
  l(2, "<wsdl:part name=\"fault\" element=\"" + wsdl_prefix(k, ss, f.ns) + ":"
         + (f.detail.empty() ? f.code : f.detail) + "\"/>");
  l(1, "</wsdl:message>");
  l(0, "");
  l(1, "<wsdl:portType name=\"UsmsTicketPortType\">");
  for (auto& op : k.operations) {
    l(2, "<wsdl:operation name=\"" + op.name + "\">");
    l(3, "<wsdl:input message=\"" + p + ":" + op.request.name + "\"/>");
    l(3, "<wsdl:output message=\"" + p + ":" + op.answer.name + "\"/>");
    l(3, "<wsdl:fault name=\"UsmsFault\" message=\"" + p + ":UsmsFault\"/>");
    l(2, "</wsdl:operation>");
  }
  l(1, "</wsdl:portType>");
  l(0, "");
  l(1, "<wsdl:binding name=\"UsmsTicketBinding\" type=\"" + p
         + ":UsmsTicketPortType\">");
  l(2, "<soap:binding style=\"document\"");
  l(2, "              transport=\"http://schemas.xmlsoap.org/soap/http\"/>");
  for (auto& op : k.operations) {
    l(2, "<wsdl:operation name=\"" + op.name + "\">");
    l(3, "<soap:operation soapAction=\"" + attr(op.soap_action)
           + "\" style=\"document\"/>");
    l(3, "<wsdl:input><soap:body use=\"literal\"/></wsdl:input>");
    l(3, "<wsdl:output><soap:body use=\"literal\"/></wsdl:output>");
    l(3, "<wsdl:fault name=\"UsmsFault\">");
    l(4, "<soap:fault name=\"UsmsFault\" use=\"literal\"/>");
    l(3, "</wsdl:fault>");
    l(2, "</wsdl:operation>");
  }
  l(1, "</wsdl:binding>");
  l(0, "");
  l(1, "<wsdl:service name=\"UsmsTicketService\">");
  l(2, "<wsdl:port name=\"UsmsTicketPort\" binding=\"" + p
         + ":UsmsTicketBinding\">");
  l(3, "<soap:address location=\"" + attr(location) + "\"/>");
  l(2, "</wsdl:port>");
  l(1, "</wsdl:service>");
  text += "</wsdl:definitions>";
  return text;
}

} // namespace usms::soap
