// Reads a WSDL 1.1 document (document/literal, schemas inline) into the
// plain values of wsdl_reader.hpp. The text passes the same guard as every
// other XML the project reads before RapidXML sees it.

#include "contract/wsdl_reader.hpp"

#include <optional>

#include "contract/xml_guard.hpp"
#include "contract/xml_reader.hpp"

namespace usms::soap::wsdl {

namespace {

using xml::node;

constexpr std::string_view wsdl_ns = "http://schemas.xmlsoap.org/wsdl/";
constexpr std::string_view xsd_ns = "http://www.w3.org/2001/XMLSchema";
constexpr std::string_view soap11_ns = "http://schemas.xmlsoap.org/wsdl/soap/";
constexpr std::string_view soap12_ns
  = "http://schemas.xmlsoap.org/wsdl/soap12/";
// Nested types are followed this deep (a ticket wrapper's fields are the
// second level); deeper ones are not needed and could be cycles.
constexpr int max_type_depth = 3;

std::string attr(const node* n, std::string_view name) {
  for (auto a = n->first_attribute(); a; a = a->next_attribute())
    if (std::string_view{a->name(), a->name_size()} == name)
      return std::string{a->value(), a->value_size()};
  return {};
}

// A QName attribute value resolved where it stands.
qname resolve(const node* at, const std::string& value) {
  auto colon = value.find(':');
  auto prefix = colon == std::string::npos ? std::string{}
                                           : value.substr(0, colon);
  auto ns = xml::lookup_namespace(at, prefix);
  return {ns ? std::string{*ns} : std::string{},
          colon == std::string::npos ? value : value.substr(colon + 1)};
}

struct schema_index {
  // {namespace, name} -> definition node
  std::vector<std::pair<qname, const node*>> elements, complex_types,
    simple_types;

  static const node* find(
    const std::vector<std::pair<qname, const node*>>& xs, const qname& q) {
    for (auto& [name, n] : xs)
      if (name == q)
        return n;
    return nullptr;
  }
};

class reader {
public:
  explicit reader(const schema_index& idx) : idx_(idx) {}

  element global(const qname& name) const {
    element out;
    out.name = name;
    auto n = schema_index::find(idx_.elements, name);
    if (!n)
      return out;
    fill(n, out.type, out.children, out.values, 0);
    return out;
  }

private:
  // The children and enumeration of an element declaration `decl`.
  void fill(const node* decl, qname& type, std::vector<child>& children,
            std::vector<std::string>& values, int depth) const {
    auto t = attr(decl, "type");
    if (!t.empty())
      type = resolve(decl, t);
    const node* complex = xml::find_child(decl, xsd_ns, "complexType");
    const node* simple = xml::find_child(decl, xsd_ns, "simpleType");
    if (!t.empty()) {
      complex = schema_index::find(idx_.complex_types, type);
      simple = schema_index::find(idx_.simple_types, type);
    }
    if (complex && depth < max_type_depth)
      collect(complex, children, depth + 1);
    if (simple)
      enumeration(simple, values);
  }

  void enumeration(const node* simple, std::vector<std::string>& out) const {
    auto r = xml::find_child(simple, xsd_ns, "restriction");
    if (!r)
      return;
    for (auto e = xml::first_element(r); e; e = xml::next_element(e))
      if (xml::is(e, xsd_ns, "enumeration"))
        out.push_back(attr(e, "value"));
    if (out.empty()) {
      auto base = attr(r, "base");
      if (!base.empty())
        if (auto s = schema_index::find(idx_.simple_types, resolve(r, base)))
          enumeration(s, out);
    }
  }

  // Every element of the (possibly nested) sequences, alls and choices.
  void collect(const node* group, std::vector<child>& out, int depth) const {
    for (auto c = xml::first_element(group); c; c = xml::next_element(c)) {
      auto local = xml::local_name(c);
      if (xml::namespace_of(c) != std::optional<std::string_view>{xsd_ns})
        continue;
      if (local == "sequence" || local == "all" || local == "choice"
          || local == "complexContent" || local == "extension") {
        collect(c, out, depth);
        continue;
      }
      if (local != "element")
        continue;
      child ch;
      const node* decl = c;
      auto ref = attr(c, "ref");
      if (!ref.empty()) {
        auto q = resolve(c, ref);
        ch.name = q.local;
        decl = schema_index::find(idx_.elements, q);
      } else {
        ch.name = attr(c, "name");
      }
      ch.optional = attr(c, "minOccurs") == "0";
      auto max = attr(c, "maxOccurs");
      ch.repeated = !max.empty() && max != "0" && max != "1";
      if (decl)
        fill(decl, ch.type, ch.children, ch.values, depth);
      ch.complex = !ch.children.empty();
      out.push_back(std::move(ch));
    }
  }

  const schema_index& idx_;
};

failure bad(const std::string& why) {
  return failure{"not a document/literal WSDL 1.1: " + why, "wsdl"};
}

} // namespace

result<service> read_service(std::string_view text) {
  auto guard = xml::check_body(text, 64 * 1024 * 1024, 64, 4'000'000);
  if (!guard)
    return failure{"the WSDL is not XML the gateway reads: " + guard.detail,
                   "wsdl"};
  xml::document doc;
  if (auto err = doc.parse(text); !err.empty())
    return failure{"the WSDL is not well-formed XML: " + err, "wsdl"};
  auto root = doc.root();
  if (!xml::is(root, wsdl_ns, "definitions"))
    return bad("its root element is " + xml::display_name(root)
               + ", not wsdl:definitions");
  service out;
  out.name = attr(root, "name");
  out.target_ns = attr(root, "targetNamespace");

  schema_index idx;
  if (auto types = xml::find_child(root, wsdl_ns, "types"))
    for (auto s = xml::first_element(types); s; s = xml::next_element(s)) {
      if (!xml::is(s, xsd_ns, "schema"))
        continue;
      auto tns = attr(s, "targetNamespace");
      for (auto d = xml::first_element(s); d; d = xml::next_element(d)) {
        auto name = attr(d, "name");
        if (xml::is(d, xsd_ns, "element"))
          idx.elements.push_back({{tns, name}, d});
        else if (xml::is(d, xsd_ns, "complexType"))
          idx.complex_types.push_back({{tns, name}, d});
        else if (xml::is(d, xsd_ns, "simpleType"))
          idx.simple_types.push_back({{tns, name}, d});
      }
    }
  reader r{idx};
  for (auto& [name, n] : idx.elements)
    out.globals.push_back(r.global(name));

  // message name -> element
  std::vector<std::pair<std::string, qname>> messages;
  for (auto m = xml::first_element(root); m; m = xml::next_element(m)) {
    if (!xml::is(m, wsdl_ns, "message"))
      continue;
    auto part = xml::find_child(m, wsdl_ns, "part");
    if (!part)
      continue;
    auto el = attr(part, "element");
    if (el.empty())
      return bad("message " + attr(m, "name")
                 + " has a part without an element (rpc style)");
    messages.emplace_back(attr(m, "name"), resolve(part, el));
  }
  auto message = [&](const node* at, const std::string& ref)
    -> std::optional<qname> {
    auto q = resolve(at, ref);
    for (auto& [name, el] : messages)
      if (name == q.local)
        return el;
    return std::nullopt;
  };

  auto port = xml::find_child(root, wsdl_ns, "portType");
  if (!port)
    return bad("it has no wsdl:portType");
  for (auto o = xml::first_element(port); o; o = xml::next_element(o)) {
    if (!xml::is(o, wsdl_ns, "operation"))
      continue;
    operation op;
    op.name = attr(o, "name");
    auto in = xml::find_child(o, wsdl_ns, "input");
    auto answer = xml::find_child(o, wsdl_ns, "output");
    auto in_el = in ? message(in, attr(in, "message")) : std::nullopt;
    auto out_el = answer ? message(answer, attr(answer, "message"))
                         : std::nullopt;
    if (!in_el || !out_el)
      return bad("operation " + op.name
                 + " lacks an input or output message with an element");
    op.request = r.global(*in_el);
    op.answer = r.global(*out_el);
    for (auto f = xml::first_element(o); f; f = xml::next_element(f))
      if (xml::is(f, wsdl_ns, "fault"))
        if (auto el = message(f, attr(f, "message")))
          op.faults.push_back(r.global(*el));
    op.soap_action = op.name;
    out.operations.push_back(std::move(op));
  }
  // SOAPAction values come from the binding.
  for (auto b = xml::first_element(root); b; b = xml::next_element(b)) {
    if (!xml::is(b, wsdl_ns, "binding"))
      continue;
    for (auto o = xml::first_element(b); o; o = xml::next_element(o)) {
      if (!xml::is(o, wsdl_ns, "operation"))
        continue;
      auto soap = xml::find_child(o, soap11_ns, "operation");
      if (!soap)
        soap = xml::find_child(o, soap12_ns, "operation");
      if (!soap)
        continue;
      for (auto& op : out.operations)
        if (op.name == attr(o, "name"))
          op.soap_action = attr(soap, "soapAction");
    }
  }
  if (out.operations.empty())
    return bad("its portType has no operations");
  return out;
}

} // namespace usms::soap::wsdl
