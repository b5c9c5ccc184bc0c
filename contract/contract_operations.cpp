// The [[operation]] tables of a contract file, and the checks that span the
// whole contract (one operation per action and type, unique element names,
// what lookups and answers need). Part of the loader (contract_loader.cpp).

#include <algorithm>

#include "contract/contract_build.hpp"

namespace usms::soap {

using toml_read::line_of;
using toml_read::problems;
using toml_read::table;

namespace {

// Which request keys each action knows; the others' are named in messages.
struct key_rule {
  std::string_view key;
  bool create, update, query;
};
constexpr key_rule request_keys[] = {
  {"element", true, true, true},    {"type", true, true, true},
  {"ticket", true, true, false},    {"fields", true, true, false},
  {"ticket_id", false, true, false}, {"work_note", false, true, false},
  {"filter", false, false, true},   {"filters", false, false, true},
  {"limit", false, false, true}};
constexpr key_rule answer_keys[] = {{"element", true, true, true},
                                    {"ticket_id", true, false, false},
                                    {"ticket", false, true, true},
                                    {"total_count", false, false, true}};

template <std::size_t N>
bool check_keys(const table& t, const key_rule (&rules)[N], action a,
                problems& p) {
  for (auto& e : t.in_file_order())
    for (auto& r : rules)
      if (r.key == e.key
          && !(a == action::create   ? r.create
               : a == action::update ? r.update
                                     : r.query))
        return p.fail(e.line, std::string{e.key} + " in " + t.name()
                                + " does not belong to a "
                                + std::string{to_string(a)} + " operation");
  return true;
}

bool element(table& t, std::string_view key, element_tags& out,
             bool required, problems& p) {
  if (!t.text(key, out.name, required))
    return false;
  if (!out.name.empty() && !is_xml_name(out.name))
    return p.fail(t.line(), std::string{key} + " in " + t.name() + ": '"
                              + out.name + "' is not an XML element name");
  return true;
}

// The position of `key` among the table's entries (its order on the wire).
int position(const table& t, std::string_view key) {
  auto entries = t.in_file_order();
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (entries[i].key == key)
      return static_cast<int>(i);
  return -1;
}

bool read_fields(table& t, operation& op, const contract& c, problems& p) {
  std::vector<std::pair<std::string, int>> names;
  bool listed = false;
  if (!t.texts("fields", names, listed))
    return false;
  if (!listed && !op.ticket)
    return p.fail(t.line(), t.name() + " needs ticket (the element the "
                                       "fields sit in) or fields (the fields "
                                       "that sit directly in "
                              + op.request.name + ")");
  auto& defs = ticket_field_defs();
  op.field_slot.fill(-1);
  auto fits = [&](const field_def& d) {
    for (auto type :
         {ticket_type::incident, ticket_type::change, ticket_type::problem})
      if (op.has_type(type) && field_allowed(d, type))
        return true;
    return false;
  };
  if (!listed) {
    for (auto i : c.field_order)
      if (!defs[i].read_only && fits(defs[i]))
        op.fields.push_back(i);
  }
  for (auto& [name, line] : names) {
    auto d = field_by_json_name(name);
    if (!d)
      return p.fail(line, "'" + name + "' in " + t.name()
                            + " is not a ticket field");
    auto i = static_cast<uint8_t>(d - defs.data());
    if (d->read_only)
      return p.fail(line, name + " is set by USMS: a request cannot carry it");
    if (!fits(*d))
      return p.fail(line, name + " is not a field of the ticket types "
                                 + op.name + " serves");
    if (!c.field_tags[i])
      return p.fail(line, op.name + " carries " + name
                            + ", which [fields] does not map to an element");
    if (std::find(op.fields.begin(), op.fields.end(), i) != op.fields.end())
      return p.fail(line, name + " is listed twice in " + t.name());
    op.fields.push_back(i);
  }
  // Inside a wrapper the fields keep the wrapper type's ([fields]) order.
  if (op.ticket)
    std::stable_sort(op.fields.begin(), op.fields.end(), [&](auto a, auto b) {
      auto pos = [&](uint8_t x) {
        return std::find(c.field_order.begin(), c.field_order.end(), x)
               - c.field_order.begin();
      };
      return pos(a) < pos(b);
    });
  for (std::size_t k = 0; k < op.fields.size(); ++k)
    op.field_slot[op.fields[k]] = static_cast<int8_t>(k);
  if (op.act == action::create
      && !op.carries(static_cast<std::size_t>(model_field_index("Summary"))))
    return p.fail(t.line(), op.name + " does not carry summary, which every "
                                      "create needs");
  return true;
}

bool read_filters(table& t, operation& op, const contract& c, problems& p) {
  std::vector<std::pair<std::string, int>> names;
  bool listed = false;
  if (!t.texts("filters", names, listed))
    return false;
  op.filter_slot.fill(-1);
  if (!listed && op.filter)
    op.filters = c.filter_order;
  auto& json = filter_json_names();
  for (auto& [name, line] : names) {
    auto it = std::find(json.begin(), json.end(), name);
    if (it == json.end())
      return p.fail(line, "'" + name + "' in " + t.name()
                            + " is not a query filter");
    auto i = static_cast<uint8_t>(it - json.begin());
    if (!c.filter_tags[i])
      return p.fail(line, op.name + " filters by " + name
                            + ", which [filter] does not map to an element");
    if (std::find(op.filters.begin(), op.filters.end(), i)
        != op.filters.end())
      return p.fail(line, name + " is listed twice in " + t.name());
    op.filters.push_back(i);
  }
  for (std::size_t k = 0; k < op.filters.size(); ++k)
    op.filter_slot[op.filters[k]] = static_cast<int8_t>(k);
  return true;
}

// The request's children in wire order, and no child element name twice.
bool order_request(table& t, operation& op, const contract& c, problems& p) {
  std::vector<std::pair<int, request_part>> parts;
  auto add = [&](std::string_view key, request_part part) {
    auto at = position(t, key);
    if (at >= 0)
      parts.emplace_back(at, part);
  };
  add("type", request_part::type);
  add("ticket_id", request_part::ticket_id);
  add(op.ticket ? "ticket" : "fields", request_part::fields);
  add("work_note", request_part::work_note);
  add(op.filter ? "filter" : "filters", request_part::filter);
  add("limit", request_part::limit);
  std::sort(parts.begin(), parts.end());
  for (auto& [at, part] : parts)
    op.parts.push_back(part);

  auto names = request_child_names(c, op);
  for (std::size_t i = 0; i < names.size(); ++i)
    for (std::size_t j = i + 1; j < names.size(); ++j)
      if (names[i] == names[j])
        return p.fail(t.line(), "duplicate element name '"
                                  + std::string{names[i]} + "' in "
                                  + t.name());
  return true;
}

bool read_request(const toml::table& req, operation& op, const contract& c,
                  problems& p) {
  table t{&req, "[operation.request] of " + op.name, p};
  if (!check_keys(t, request_keys, op.act, p)
      || !element(t, "element", op.request, true, p)
      || !element(t, "type", op.type_element, false, p))
    return false;
  int types = 0;
  for (auto type :
       {ticket_type::incident, ticket_type::change, ticket_type::problem})
    if (op.has_type(type)) {
      ++types;
      if (op.type_element && c.type_names[static_cast<std::size_t>(type)]
                               .empty())
        return p.fail(t.line(), "[types] has no name for "
                                  + std::string{to_string(type)}
                                  + " tickets, which " + op.name
                                  + "'s type element needs");
    }
  if (!op.type_element && types > 1)
    return p.fail(t.line(), op.name + " serves " + std::to_string(types)
                              + " ticket types, so its request needs a type "
                                "element (type = ...)");
  switch (op.act) {
    case action::create:
      if (!element(t, "ticket", op.ticket, false, p)
          || !read_fields(t, op, c, p))
        return false;
      break;
    case action::update:
      if (!element(t, "ticket_id", op.ticket_id, true, p)
          || !element(t, "ticket", op.ticket, false, p)
          || !element(t, "work_note", op.work_note, false, p)
          || !read_fields(t, op, c, p))
        return false;
      break;
    case action::query:
      op.filter_slot.fill(-1);
      op.field_slot.fill(-1);
      if (!element(t, "filter", op.filter, false, p)
          || !element(t, "limit", op.limit, false, p)
          || !read_filters(t, op, c, p))
        return false;
      break;
  }
  return order_request(t, op, c, p) && t.done();
}

bool read_answer(const toml::table& ans, operation& op, problems& p) {
  table t{&ans, "[operation.answer] of " + op.name, p};
  if (!check_keys(t, answer_keys, op.act, p)
      || !element(t, "element", op.answer, true, p))
    return false;
  switch (op.act) {
    case action::create:
      if (!element(t, "ticket_id", op.answer_ticket_id, true, p))
        return false;
      break;
    case action::update:
      if (!element(t, "ticket", op.answer_ticket, true, p))
        return false;
      break;
    case action::query:
      if (!element(t, "ticket", op.answer_ticket, true, p)
          || !element(t, "total_count", op.answer_total, false, p))
        return false;
      op.total_first = position(t, "total_count") < position(t, "ticket");
      if (op.answer_total && op.answer_total.name == op.answer_ticket.name)
        return p.fail(t.line(), "duplicate element name '"
                                  + op.answer_ticket.name + "' in "
                                  + t.name());
      break;
  }
  return t.done();
}

} // namespace

bool read_operation(const toml::table& t, int index, contract& c,
                    problems& p) {
  operation op;
  op.line = line_of(t);
  table o{&t, "[[operation]] #" + std::to_string(index + 1), p};
  std::string act;
  std::vector<std::pair<std::string, int>> types;
  bool has_types = false;
  const toml::table *req = nullptr, *ans = nullptr;
  if (!o.text("name", op.name, true) || !o.text("action", act, true)
      || !o.texts("types", types, has_types))
    return false;
  if (!is_xml_name(op.name))
    return p.fail(op.line, "operation name '" + op.name
                             + "' is not an XML name");
  auto a = parse_action(act);
  if (!a)
    return p.fail(op.line, "action of " + op.name
                             + " must be create, update or query, not '"
                             + act + "'");
  op.act = *a;
  if (!has_types || types.empty())
    return p.fail(op.line, op.name + " needs types (the ticket types it "
                                     "serves: incident, change, problem)");
  for (auto& [name, line] : types) {
    auto type = parse_ticket_type(name);
    if (!type)
      return p.fail(line, "'" + name + "' in the types of " + op.name
                            + " is not incident, change or problem");
    if (op.has_type(*type))
      return p.fail(line, name + " is listed twice in the types of "
                            + op.name);
    op.types[static_cast<std::size_t>(*type)] = true;
  }
  op.soap_action = op.name;
  op.ns = c.ns;
  if (!o.text("soap_action", op.soap_action) || !o.text("namespace", op.ns)
      || !o.boolean("send", op.send) || !o.sub("request", req, true)
      || !o.sub("answer", ans, true))
    return false;
  if (!is_namespace_uri(op.ns))
    return p.fail(op.line, "the namespace of " + op.name
                             + " is not a namespace URI");
  if (op.soap_action.find_first_of("\"\r\n") != std::string::npos)
    return p.fail(op.line, "the soap_action of " + op.name
                             + " cannot hold quotes or line breaks");
  if (!read_request(*req, op, c, p) || !read_answer(*ans, op, p)
      || !o.done())
    return false;
  c.operations.push_back(std::move(op));
  return true;
}

bool check_contract(contract& c, problems& p) {
  c.sent_ops.fill(-1);
  auto& ops = c.operations;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    auto& op = ops[i];
    for (std::size_t j = 0; j < i; ++j) {
      auto& other = ops[j];
      if (other.name == op.name)
        return p.fail(op.line, "two operations are named " + op.name
                                 + " (the other on line "
                                 + std::to_string(other.line) + ")");
      for (auto* mine : {&op.request, &op.answer})
        for (auto* theirs : {&other.request, &other.answer})
          // Unique across namespaces too: the WSDL names its messages
          // after them.
          if (mine->name == theirs->name)
            return p.fail(op.line, "duplicate element name '" + mine->name
                                     + "': " + op.name + " and " + other.name
                                     + " (line "
                                     + std::to_string(other.line)
                                     + ") both use it");
    }
    if (op.request.name == op.answer.name)
      return p.fail(op.line, op.name + " uses '" + op.request.name
                               + "' for both its request and its answer");
    auto& f = c.faults;
    for (auto* mine : {&op.request, &op.answer})
      if (op.ns == f.ns
          && (f.detail.empty() ? mine->name == f.code || mine->name == f.message
                               : mine->name == f.detail))
        return p.fail(op.line, "duplicate element name '" + mine->name
                                 + "': " + op.name
                                 + " and the fault detail both use it");
    if (!op.send)
      continue;
    for (auto type :
         {ticket_type::incident, ticket_type::change, ticket_type::problem}) {
      if (!op.has_type(type))
        continue;
      auto& slot = c.sent_ops[static_cast<std::size_t>(op.act) * 3
                              + static_cast<std::size_t>(type)];
      if (slot >= 0)
        return p.fail(op.line, op.name + " and " + ops[slot].name + " (line "
                                 + std::to_string(ops[slot].line)
                                 + ") would both be sent to "
                                 + std::string{to_string(op.act)} + " "
                                 + std::string{to_string(type)}
                                 + " tickets; mark one send = false");
      slot = static_cast<int8_t>(i);
    }
  }
  if (std::all_of(c.sent_ops.begin(), c.sent_ops.end(),
                  [](int8_t i) { return i < 0; }))
    return p.fail(0, "every operation is send = false: the gateway would "
                     "have nothing to send");
  for (auto& op : ops)
    if ((op.answer_ticket || op.act == action::update) && !c.field_tags[0])
      return p.fail(op.line, op.name + " answers tickets, so [fields] must "
                                       "map ticket_id");
  if (c.lookup_by_external_reference)
    for (auto type :
         {ticket_type::incident, ticket_type::change, ticket_type::problem}) {
      auto create = c.sent(action::create, type);
      if (!create)
        continue;
      auto query = c.sent(action::query, type);
      auto ref = static_cast<std::size_t>(model_field_index(
        "ExternalReference"));
      auto ref_filter = static_cast<std::size_t>(model_filter_index(
        "ExternalReference"));
      if (!query || !query->filters_by(ref_filter))
        return p.fail(0, "lookup_by_external_reference needs a query of "
                         + std::string{to_string(type)}
                         + " tickets that filters by external_reference");
      if (!create->carries(ref))
        return p.fail(create->line,
                      "lookup_by_external_reference needs " + create->name
                        + " to carry external_reference");
    }
  return true;
}

} // namespace usms::soap
