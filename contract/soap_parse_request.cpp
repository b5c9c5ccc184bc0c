// The simulator's reader (declared in soap_codec.hpp): request envelopes of
// any operation of a contract, checked as strictly as the contract and the
// ticket model say, since every refusal becomes the Client fault a real
// USMS would answer. Values come back in the model's names and spellings.

#include <climits>
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

// The children of a request element, each {ns}name, at most once.
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
std::string collect(const node* parent, std::string_view ns,
                    std::string_view where,
                    const std::vector<std::string_view>* allowed,
                    children& out) {
  for (auto c = xml::first_element(parent); c; c = xml::next_element(c)) {
    auto cns = xml::namespace_of(c);
    auto local = xml::local_name(c);
    if (!cns || *cns != ns)
      return "unexpected element " + xml::display_name(c) + " in "
             + std::string{where} + " (expected namespace " + std::string{ns}
             + ")";
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

// A text-only element's text.
std::string leaf_text(const node* n, std::string_view where,
                      std::string& err) {
  if (has_child_elements(n))
    err = std::string{xml::local_name(n)} + " in " + std::string{where}
          + " must hold text, not elements";
  return xml::text(n);
}

// The model value of a wire value of a mapped kind.
std::string from_wire(const value_map* map, std::string_view element,
                      std::string value, std::string& err) {
  if (!map)
    return value;
  if (auto model = map->to_model(trim_xml_space(value)))
    return std::string{*model};
  std::string list;
  for (auto& [m, w] : map->pairs)
    list += (list.empty() ? "" : ", ") + w;
  err = std::string{element} + " '" + value + "' is not one of the "
        + "contract's values (" + list + ")";
  return value;
}

// Field elements (in a wrapper or directly in the request) into model
// fields; `only_fields` skips the request's other children.
std::string read_fields(const children& ch, const contract& k,
                        const operation& op, ticket_type type,
                        std::string_view where, bool only_fields,
                        ticket_fields& out) {
  auto& defs = ticket_field_defs();
  std::string err;
  for (auto& [name, n] : ch.items) {
    auto i = k.field_of_element(name);
    if (i < 0 || (only_fields && !op.carries(static_cast<std::size_t>(i)))) {
      if (only_fields)
        continue;
      return std::string{name} + " is not a " + std::string{where} + " field";
    }
    auto value = leaf_text(n, where, err);
    auto& def = defs[static_cast<std::size_t>(i)];
    value = from_wire(k.values_for(def.kind, type), name, std::move(value),
                      err);
    if (!err.empty())
      return err;
    out.emplace(std::string{def.soap_name}, std::move(value));
  }
  return {};
}

std::string read_filters(const children& ch, const contract& k,
                         const operation& op, ticket_type type,
                         std::string_view where, ticket_fields& out) {
  auto& model = query_filter_fields();
  std::string err;
  for (auto f : op.filters) {
    auto& name = k.filter_tags[f].name;
    auto n = ch.get(name);
    if (!n)
      continue;
    auto value = leaf_text(n, where, err);
    if (model[f] == "Status")
      value = from_wire(&k.statuses[static_cast<std::size_t>(type)], name,
                        std::move(value), err);
    if (!err.empty())
      return err;
    out.emplace(std::string{model[f]}, std::move(value));
  }
  return {};
}

std::string read_type(const children& ch, const contract& k,
                      const operation& op, ticket_type& type) {
  if (!op.type_element) {
    for (auto t :
         {ticket_type::incident, ticket_type::change, ticket_type::problem})
      if (op.has_type(t))
        type = t;
    return {};
  }
  auto& name = op.type_element.name;
  auto n = ch.get(name);
  if (!n)
    return name + " is required";
  auto text = xml::text(n);
  std::vector<std::string_view> names;
  for (auto t :
       {ticket_type::incident, ticket_type::change, ticket_type::problem}) {
    if (!op.has_type(t))
      continue;
    auto& wire = k.type_names[static_cast<std::size_t>(t)];
    if (wire == text) {
      type = t;
      return {};
    }
    names.push_back(wire);
  }
  // "A, B or C"
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i)
    list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ")
            + std::string{names[i]};
  return name + " '" + text + "' is not " + list;
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

// The content of a request element of `op`.
std::string read_call(const node* top, const contract& k, const operation& op,
                      call& c) {
  std::string where{op.request.name};
  children ch;
  auto names = request_child_names(k, op);
  auto err = collect(top, op.ns, where, &names, ch);
  if (err.empty())
    err = read_type(ch, k, op, c.type);
  if (!err.empty())
    return err;
  // Fields in their wrapper, or among the request's own children.
  auto fields = [&]() -> std::string {
    if (!op.ticket)
      return read_fields(ch, k, op, c.type, where, true, c.fields);
    auto t = ch.get(op.ticket.name);
    if (!t)
      return op.ticket.name + " is required";
    children tc;
    auto e = collect(t, op.ns, op.ticket.name, nullptr, tc);
    return e.empty() ? read_fields(tc, k, op, c.type, op.ticket.name, false,
                                   c.fields)
                     : e;
  };
  switch (op.act) {
    case action::create:
      err = fields();
      return err.empty() ? check_fields(op, c.type, c.fields, true) : err;
    case action::update: {
      auto id = ch.get(op.ticket_id.name);
      if (!id || trim_xml_space(xml::text(id)).empty())
        return op.ticket_id.name + " is required";
      c.ticket_id = xml::text(id);
      if (op.work_note)
        if (auto note = ch.get(op.work_note.name))
          c.work_note = xml::text(note);
      err = fields();
      return err.empty() ? check_call(op, c) : err;
    }
    case action::query: {
      if (op.filter) {
        if (auto f = ch.get(op.filter.name)) {
          std::vector<std::string_view> allowed;
          for (auto i : op.filters)
            allowed.push_back(k.filter_tags[i].name);
          children fc;
          err = collect(f, op.ns, op.filter.name, &allowed, fc);
          if (err.empty())
            err = read_filters(fc, k, op, c.type, op.filter.name, c.filter);
        }
      } else {
        err = read_filters(ch, k, op, c.type, where, c.filter);
      }
      if (!err.empty())
        return err;
      c.max_results = INT_MAX;
      if (op.limit) {
        auto m = ch.get(op.limit.name);
        long n = m ? parse_count(xml::text(m)) : -1;
        if (!m)
          return op.limit.name + " is required";
        if (n < 0)
          return op.limit.name + " must be a non-negative integer";
        c.max_results = static_cast<int>(n);
      }
      return check_filter(op, c.type, c.filter);
    }
  }
  return "unknown action";
}

} // namespace

result<incoming> parse_request(const contract& k, std::string_view body,
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
  auto op = k.by_request(local);
  if (!op) {
    // Named like a request of some other contract: an operation this one
    // does not offer.
    constexpr std::string_view suffix = "Request";
    if (local.size() > suffix.size()
        && local.substr(local.size() - suffix.size()) == suffix)
      return parse_failure("UNSUPPORTED",
                           std::string{local.substr(0, local.size()
                                                         - suffix.size())}
                             + " is not an operation of " + k.name);
    auto example = &k.operations.front();
    for (auto& o : k.operations)
      if (o.send && !example->send)
        example = &o;
    return parse_failure("VALIDATION",
                         "the SOAP Body holds " + xml::display_name(top)
                           + ", not an operation request such as "
                           + example->request.name);
  }
  auto ns = xml::namespace_of(top);
  if (!ns || *ns != op->ns)
    return parse_failure(
      "VALIDATION",
      k.name + " expects " + std::string{local} + " in namespace '" + op->ns
        + "', not '"
        + (ns ? std::string{*ns} : std::string{"(unbound prefix)"}) + "'");
  in.op = op;
  in.request.act = op->act;
  if (auto err = read_call(top, k, *op, in.request); !err.empty())
    return parse_failure("VALIDATION", std::move(err));
  return in;
}

} // namespace usms::soap
