// Drafts a contract file from a WSDL (wsdl_draft.hpp): reads the service
// (wsdl_reader.hpp), gives each operation's children their roles and the
// elements their fields by name (wsdl_names.hpp), and writes the TOML with
// a TODO comment at every guess a person must check and every gap.

#include "contract/wsdl_draft.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "contract/ticket_fields.hpp"
#include "contract/wsdl_names.hpp"
#include "contract/wsdl_reader.hpp"

namespace usms::soap {

namespace {

using wsdl::child;

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20)
      continue;
    out += c;
  }
  return out + "\"";
}

// One key of a table as the draft writes it, with its comment.
struct line {
  std::string key;
  std::string value; ///< already TOML
  std::string todo;  ///< empty: none
};

struct op_draft {
  std::string name, soap_action, ns;
  std::optional<action> act;
  std::vector<ticket_type> types;
  bool types_guessed = false;
  bool send = true;
  std::string send_todo;
  std::string request;
  std::vector<line> request_keys;
  std::string answer;
  std::vector<line> answer_keys;
  std::vector<std::string> todos; ///< comments above the operation
  std::vector<std::string> fields, filters; ///< JSON names carried
};

// Everything drafted so far, shared across operations.
struct draft {
  /// json, element: the fields of ticket wrappers (the wire order of the
  /// ticket type), then those only found directly in requests.
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::pair<std::string, std::string>> direct_fields;
  std::vector<std::pair<std::string, std::string>> filters; ///< json, element
  std::vector<std::string> unmatched; ///< elements no field matched
  std::map<std::string, std::vector<std::string>> enumerations; ///< by json
  std::array<std::string, 3> type_names;
  std::vector<op_draft> ops;
};

std::string array(const std::vector<std::string>& xs) {
  std::string out = "[";
  for (std::size_t i = 0; i < xs.size(); ++i)
    out += (i ? ", " : "") + quoted(xs[i]);
  return out + "]";
}

// Records that `element` holds the field (or filter) `json`.
void map_element(std::vector<std::pair<std::string, std::string>>& table,
                 const std::string& json, const std::string& element) {
  for (auto& [j, e] : table)
    if (j == json)
      return;
  table.emplace_back(json, element);
}

// The fields of `children` (direct in a request, or in a ticket wrapper).
std::vector<std::string> read_fields(draft& d, const std::vector<child>& xs,
                                     bool wrapped) {
  std::vector<std::string> out;
  for (auto& c : xs) {
    auto json = wsdl::field_of(c.name);
    if (!json) {
      if (std::find(d.unmatched.begin(), d.unmatched.end(), c.name)
          == d.unmatched.end())
        d.unmatched.push_back(c.name);
      continue;
    }
    map_element(wrapped ? d.fields : d.direct_fields, std::string{*json},
                c.name);
    if (!c.values.empty())
      d.enumerations[std::string{*json}] = c.values;
    out.emplace_back(*json);
  }
  return out;
}

std::vector<std::string> read_filters(draft& d, const std::vector<child>& xs) {
  std::vector<std::string> out;
  for (auto& c : xs)
    if (auto json = wsdl::filter_of(c.name)) {
      map_element(d.filters, std::string{*json}, c.name);
      out.emplace_back(*json);
    }
  return out;
}

bool is_type_element(const child& c) {
  if (c.values.empty() || c.complex)
    return false;
  return std::all_of(c.values.begin(), c.values.end(), [](auto& v) {
    return wsdl::type_of_value(v).has_value();
  });
}

void draft_request(draft& d, op_draft& op, const wsdl::element& req) {
  op.request = req.name.local;
  op.ns = req.name.ns;
  bool fields_done = false;
  std::vector<std::string> direct;
  // The direct fields' key stands where the first of them does.
  std::size_t direct_at = 0;
  for (auto& c : req.children) {
    auto key = [&](const char* k, std::string todo = {}) {
      op.request_keys.push_back({k, quoted(c.name), std::move(todo)});
    };
    if (is_type_element(c)) {
      key("type");
      std::vector<ticket_type> types;
      for (auto& v : c.values)
        if (auto t = wsdl::type_of_value(v)) {
          d.type_names[static_cast<std::size_t>(*t)] = v;
          types.push_back(*t);
        }
      if (op.types.empty()) {
        op.types = types;
        op.types_guessed = false;
      }
    } else if (c.complex && !fields_done) {
      if (op.act == action::query) {
        key("filter");
        op.filters = read_filters(d, c.children);
      } else {
        key("ticket");
        op.fields = read_fields(d, c.children, true);
      }
      fields_done = true;
    } else if (op.act == action::update && wsdl::names_ticket_id(c.name)) {
      key("ticket_id");
    } else if (op.act == action::update && !wsdl::field_of(c.name)
               && wsdl::names_work_note(c.name)) {
      key("work_note");
    } else if (op.act == action::query && wsdl::names_limit(c.name)) {
      key("limit");
    } else {
      if (direct.empty())
        direct_at = op.request_keys.size();
      direct.push_back(c.name);
    }
  }
  if (direct.empty())
    return;
  std::vector<child> rest;
  for (auto& c : req.children)
    if (std::find(direct.begin(), direct.end(), c.name) != direct.end())
      rest.push_back(c);
  auto at = op.request_keys.begin() + static_cast<std::ptrdiff_t>(direct_at);
  if (op.act == action::query) {
    op.filters = read_filters(d, rest);
    op.request_keys.insert(at, {"filters", array(op.filters), ""});
  } else {
    op.fields = read_fields(d, rest, false);
    op.request_keys.insert(at, {"fields", array(op.fields), ""});
  }
  for (auto& name : direct)
    if (!wsdl::field_of(name) && !wsdl::filter_of(name))
      op.todos.push_back("the request element " + name
                         + " has no role here: give it one or leave it out");
}

void draft_answer(draft& d, op_draft& op, const wsdl::element& ans) {
  op.answer = ans.name.local;
  for (auto& c : ans.children) {
    auto key = [&](const char* k) {
      op.answer_keys.push_back({k, quoted(c.name), ""});
    };
    if (op.act == action::create && !c.complex)
      key("ticket_id");
    else if (op.act != action::create && c.complex) {
      key("ticket");
      read_fields(d, c.children, true);
    } else if (op.act == action::query && wsdl::names_total(c.name))
      key("total_count");
  }
  if (op.answer_keys.empty())
    op.todos.push_back("no element of " + op.answer
                       + " was recognized: name its ticket_id or ticket");
}

op_draft draft_operation(draft& d, const wsdl::operation& o) {
  op_draft op;
  op.name = o.name;
  op.soap_action = o.soap_action;
  auto ws = wsdl::words(o.name);
  op.act = wsdl::action_of(ws);
  op.types = wsdl::types_of(ws, op.act);
  op.types_guessed = op.types.empty();
  draft_request(d, op, o.request);
  draft_answer(d, op, o.answer);
  if (op.types.empty())
    op.types = {ticket_type::incident, ticket_type::change,
                ticket_type::problem};
  return op;
}

// Where several operations would send one action and type, the one that
// serves the most types is sent; the others are marked.
void choose_sent(draft& d) {
  for (auto& op : d.ops)
    for (auto& other : d.ops) {
      if (&op == &other || !op.act || op.act != other.act || !other.send)
        continue;
      bool overlap = std::any_of(op.types.begin(), op.types.end(), [&](auto t) {
        return std::find(other.types.begin(), other.types.end(), t)
               != other.types.end();
      });
      if (overlap && op.send && op.types.size() < other.types.size()) {
        op.send = false;
        op.send_todo = other.name + " serves the same action and types; the "
                                    "gateway sends that one";
      }
    }
}

void write_table(std::string& out, const std::string& header,
                 const std::vector<line>& lines) {
  out += header + "\n";
  for (auto& l : lines) {
    out += l.key + " = " + l.value;
    if (!l.todo.empty())
      out += "  # TODO: " + l.todo;
    out += "\n";
  }
  out += "\n";
}

void write_values(std::string& out, const draft& d) {
  // Priority, Impact and Urgency share one table: the first one found
  // writes it.
  std::vector<std::string> written;
  for (auto& [json, values] : d.enumerations) {
    auto def = field_by_json_name(json);
    if (!def || def->kind == field_kind::text)
      continue;
    std::vector<std::string_view> model;
    std::string table;
    switch (def->kind) {
      case field_kind::priority:
        model = {"1", "2", "3", "4", "5"};
        table = "[values.priority]";
        break;
      case field_kind::boolean:
        model = {"true", "false"};
        table = "[values.boolean]";
        break;
      case field_kind::change_type:
        model = {"Standard", "Normal", "Emergency"};
        table = "[values.change_type]";
        break;
      default:
        table = "[values.status.TYPE]";
        break;
    }
    if (std::vector<std::string>{model.begin(), model.end()} == values
        || std::find(written.begin(), written.end(), table) != written.end())
      continue; // spelled as the gateway spells them, or written already
    written.push_back(table);
    out += "# TODO: " + std::string{def->soap_name} + " has the values " + array(values)
           + "; say which of the gateway's values each one is.\n";
    if (model.empty()) {
      out += "# " + table + " (one table per ticket type, e.g. New = \"...\")\n\n";
      continue;
    }
    out += table + "\n";
    for (std::size_t i = 0; i < model.size() && i < values.size(); ++i)
      out += std::string{model[i]} + " = " + quoted(values[i])
             + "  # TODO: check\n";
    out += "\n";
  }
}

} // namespace

result<std::string> draft_contract(std::string_view text,
                                   const std::string& source) {
  auto svc = wsdl::read_service(text);
  if (!svc)
    return svc.error();
  draft d;
  for (auto& o : svc->operations)
    d.ops.push_back(draft_operation(d, o));
  choose_sent(d);
  for (auto& [json, element] : d.direct_fields)
    map_element(d.fields, json, element);
  auto ns = d.ops.front().ns.empty() ? svc->target_ns : d.ops.front().ns;

  std::string out
    = "# A first contract file, drafted by usmsctl contract from-wsdl from "
      + source
      + ".\n# Read it through and settle every TODO: each is a guess or a gap "
        "the WSDL\n# leaves open. docs/contract-file.md explains every key.\n\n";
  // Lookups need every sent query to filter by external_reference and
  // every sent create to carry it (a wrapped create carries every field).
  bool lookup = false;
  for (auto& op : d.ops)
    lookup = lookup || (op.send && op.act == action::query);
  auto has = [](const std::vector<std::string>& xs, const char* x) {
    return std::find(xs.begin(), xs.end(), x) != xs.end();
  };
  for (auto& op : d.ops) {
    if (!op.send)
      continue;
    if (op.act == action::query && !has(op.filters, "external_reference"))
      lookup = false;
    if (op.act == action::create && !has(op.fields, "external_reference"))
      lookup = false;
  }
  write_table(out, "[contract]",
              {{"name", quoted(svc->name.empty() ? source : svc->name), ""},
               {"namespace", quoted(ns), ""},
               {"ws_security", "true",
                "does the service want a WS-Security UsernameToken?"},
               {"lookup_by_external_reference", lookup ? "true" : "false",
                "true only if a query by external_reference finds a ticket "
                "right after its create"}});
  std::vector<line> types;
  for (auto t :
       {ticket_type::incident, ticket_type::change, ticket_type::problem})
    if (auto& n = d.type_names[static_cast<std::size_t>(t)]; !n.empty())
      types.push_back({std::string{to_string(t)}, quoted(n), ""});
  if (!types.empty())
    write_table(out, "[types]", types);

  std::vector<line> fields;
  for (auto& [json, element] : d.fields)
    fields.push_back({json, quoted(element), ""});
  write_table(out, "# The ticket's elements, in the order the WSDL lists them.\n[fields]",
              fields);
  std::string gaps;
  for (auto& def : ticket_field_defs())
    if (std::none_of(d.fields.begin(), d.fields.end(),
                     [&](auto& f) { return f.first == def.json_name; }))
      gaps += "# TODO: no element found for " + std::string{def.json_name}
              + "; map it if the service has one\n";
  for (auto& e : d.unmatched)
    gaps += "# TODO: the element " + e
            + " matches no field of the gateway; map it or leave it out\n";
  if (!gaps.empty())
    out += gaps + "\n";
  if (!d.filters.empty()) {
    std::vector<line> filters;
    for (auto& [json, element] : d.filters)
      filters.push_back({json, quoted(element), ""});
    write_table(out, "[filter]", filters);
  }
  write_values(out, d);
  out += "# TODO: status values the service spells its own way need a table "
         "each:\n# [values.status.incident], [values.status.change], "
         "[values.status.problem].\n\n";

  // Faults: the first operation's fault element.
  std::vector<line> faults;
  std::vector<line> codes;
  for (auto& o : svc->operations)
    for (auto& f : o.faults) {
      if (!faults.empty())
        break;
      std::vector<std::pair<std::string, std::vector<std::string>>> parts;
      if (!f.children.empty()) {
        faults.push_back({"detail", quoted(f.name.local), ""});
        for (auto& c : f.children)
          parts.emplace_back(c.name, c.values);
      } else {
        for (auto& g : svc->globals)
          if (g.name.ns == f.name.ns)
            parts.emplace_back(g.name.local, g.values);
      }
      if (f.name.ns != ns)
        faults.insert(faults.begin(), {"namespace", quoted(f.name.ns), ""});
      for (auto& [name, values] : parts) {
        if (wsdl::names_fault_code(name)) {
          faults.push_back({"code", quoted(name), ""});
          for (auto& v : values) {
            auto ours = wsdl::our_code_of(v);
            codes.push_back({quoted(v), quoted(ours ? *ours : "VALIDATION"),
                             ours ? "" : "which of our codes is it?"});
          }
        } else if (wsdl::names_fault_message(name)) {
          faults.push_back({"message", quoted(name), ""});
        }
      }
    }
  if (faults.empty())
    faults = {{"code", quoted("ErrorCode"), "no fault element found"},
              {"message", quoted("ErrorMessage"), "no fault element found"}};
  write_table(out, "[faults]", faults);
  // Codes spelled as ours need no line.
  codes.erase(std::remove_if(codes.begin(), codes.end(),
                             [](auto& l) {
                               return l.key == l.value && l.todo.empty();
                             }),
              codes.end());
  if (!codes.empty())
    write_table(out, "[faults.codes]", codes);

  for (auto& op : d.ops) {
    for (auto& t : op.todos)
      out += "# TODO: " + t + "\n";
    std::vector<std::string> types;
    for (auto t : op.types)
      types.emplace_back(to_string(t));
    std::vector<line> head{
      {"name", quoted(op.name), ""},
      {"action", quoted(op.act ? to_string(*op.act) : "create"),
       op.act ? "" : "create, update or query? the name does not say"},
      {"types", array(types),
       op.types_guessed ? "which ticket types does it serve?" : ""}};
    if (op.soap_action != op.name)
      head.push_back({"soap_action", quoted(op.soap_action), ""});
    if (op.ns != ns)
      head.push_back({"namespace", quoted(op.ns), ""});
    if (!op.send)
      head.push_back({"send", "false", op.send_todo});
    write_table(out, "[[operation]]", head);
    std::vector<line> req{{"element", quoted(op.request), ""}};
    req.insert(req.end(), op.request_keys.begin(), op.request_keys.end());
    write_table(out, "[operation.request]", req);
    std::vector<line> ans{{"element", quoted(op.answer), ""}};
    ans.insert(ans.end(), op.answer_keys.begin(), op.answer_keys.end());
    write_table(out, "[operation.answer]", ans);
  }
  while (out.size() > 1 && out.back() == '\n' && out[out.size() - 2] == '\n')
    out.pop_back();
  return out;
}

} // namespace usms::soap
