// Loads a contract file: reads its TOML strictly (contract_toml.hpp),
// checks that the contract is complete and consistent with itself (every
// element a request uses is mapped, no element name twice, every operation
// answers, one operation per action and ticket type), then encodes the
// fixed envelope pieces (contract_encode.cpp). docs/contract-file.md is the
// format's reference.

#include <algorithm>
#include <fstream>
#include <sstream>

#include "contract/contract.hpp"
#include "contract/contract_build.hpp"
#include "contract/soap_codec.hpp"

namespace usms::soap {

namespace {

using toml_read::line_of;
using toml_read::problems;
using toml_read::table;

constexpr std::array<std::string_view, 6> our_codes{
  "VALIDATION", "NOT_FOUND", "TRANSITION", "AUTH", "UNSUPPORTED",
  "UNAVAILABLE"};

bool element_name(problems& p, int line, const std::string& what,
                  const std::string& name) {
  if (is_xml_name(name))
    return true;
  return p.fail(line, what + " '" + name
                        + "' is not an XML element name (letters, digits, "
                          "'_', '-', '.'; no ':' or spaces)");
}

bool namespace_uri(problems& p, int line, const std::string& uri) {
  if (!is_namespace_uri(uri))
    return p.fail(line, "namespace '" + uri
                          + "' is not a namespace URI (no spaces, not empty)");
  return true;
}

std::string join(const std::vector<std::string_view>& xs) {
  std::string out;
  for (auto x : xs) {
    if (!out.empty())
      out += ", ";
    out += x;
  }
  return out;
}

// Reads a table whose keys are model names and whose values are element
// names ([fields], [filter]), in file order.
bool read_element_map(table& t, const std::vector<std::string_view>& known,
                      const std::string& what,
                      std::vector<std::pair<int, std::string>>& out,
                      problems& p) {
  t.take_all();
  std::vector<std::pair<std::string, int>> seen; // element, line
  for (auto& e : t.in_file_order()) {
    auto i = std::find(known.begin(), known.end(), e.key);
    if (i == known.end())
      return p.fail(e.line, "'" + std::string{e.key} + "' is not " + what
                              + " (" + join(known) + ")");
    auto s = e.value->as_string();
    if (!s)
      return p.fail(e.line, std::string{e.key} + " in " + t.name()
                              + " must be an element name (a string)");
    auto& name = s->get();
    if (!element_name(p, e.line, std::string{e.key} + "'s element", name))
      return false;
    for (auto& [other, line] : seen)
      if (other == name)
        return p.fail(e.line, "duplicate element name '" + name + "' in "
                                + t.name() + " (also on line "
                                + std::to_string(line) + ")");
    seen.emplace_back(name, e.line);
    out.emplace_back(static_cast<int>(i - known.begin()), name);
  }
  return true;
}

bool read_values(const toml::table* t, const std::string& name,
                 const std::vector<std::string_view>& model, value_map& out,
                 problems& p) {
  table tv{t, name, p};
  tv.take_all();
  for (auto& e : tv.in_file_order()) {
    if (std::find(model.begin(), model.end(), e.key) == model.end())
      return p.fail(e.line, "'" + std::string{e.key} + "' in " + name
                              + " is not one of the model's values ("
                              + join(model) + ")");
    auto s = e.value->as_string();
    if (!s || s->get().empty() || !check_xml_text(s->get()).empty())
      return p.fail(e.line, std::string{e.key} + " in " + name
                              + " must be the wire's spelling (a non-empty "
                                "string)");
    for (auto& [m, w] : out.pairs)
      if (w == s->get())
        return p.fail(e.line, "'" + s->get() + "' in " + name
                                + " spells both " + m + " and "
                                + std::string{e.key});
    out.pairs.emplace_back(std::string{e.key}, s->get());
  }
  out.complete = out.pairs.size() == model.size();
  return true;
}

bool read_all_values(const toml::table* values, contract& c, problems& p) {
  table v{values, "[values]", p};
  const toml::table *status = nullptr, *priority = nullptr,
                    *booleans = nullptr, *change_type = nullptr;
  if (!v.sub("status", status) || !v.sub("priority", priority)
      || !v.sub("boolean", booleans) || !v.sub("change_type", change_type)
      || !v.done())
    return false;
  table st{status, "[values.status]", p};
  for (auto type :
       {ticket_type::incident, ticket_type::change, ticket_type::problem}) {
    const toml::table* per_type = nullptr;
    if (!st.sub(to_string(type), per_type))
      return false;
    auto& model = status_values(type);
    if (!read_values(per_type,
                     "[values.status." + std::string{to_string(type)} + "]",
                     {model.begin(), model.end()},
                     c.statuses[static_cast<std::size_t>(type)], p))
      return false;
  }
  return st.done()
         && read_values(priority, "[values.priority]",
                        {"1", "2", "3", "4", "5"}, c.priorities, p)
         && read_values(booleans, "[values.boolean]", {"true", "false"},
                        c.booleans, p)
         && read_values(change_type, "[values.change_type]",
                        {"Standard", "Normal", "Emergency"}, c.change_types,
                        p);
}

bool read_faults(const toml::table* faults, contract& c, problems& p) {
  table f{faults, "[faults]", p};
  auto& out = c.faults;
  out.ns = c.ns;
  const toml::table* codes = nullptr;
  if (!f.text("namespace", out.ns) || !f.text("detail", out.detail)
      || !f.text("code", out.code, true)
      || !f.text("message", out.message, true) || !f.sub("codes", codes)
      || !f.done())
    return false;
  if (!namespace_uri(p, f.line(), out.ns)
      || (!out.detail.empty()
          && !element_name(p, f.line(), "the fault detail", out.detail))
      || !element_name(p, f.line(), "the fault code", out.code)
      || !element_name(p, f.line(), "the fault message", out.message))
    return false;
  if (out.code == out.message || out.code == out.detail
      || out.message == out.detail)
    return p.fail(f.line(), "duplicate element name in [faults]: detail, "
                            "code and message need names of their own");
  table ct{codes, "[faults.codes]", p};
  ct.take_all();
  for (auto& e : ct.in_file_order()) {
    auto s = e.value->as_string();
    if (!s || std::find(our_codes.begin(), our_codes.end(), s->get())
                == our_codes.end())
      return p.fail(e.line, "the wire code '" + std::string{e.key}
                              + "' must map to one of "
                              + join({our_codes.begin(), our_codes.end()}));
    out.codes.emplace_back(std::string{e.key}, s->get());
  }
  return true;
}

bool read_contract_table(table& t, contract& c, problems& p) {
  c.prefix = "usms";
  if (!t.text("name", c.name) || !t.text("namespace", c.ns, true)
      || !t.text("prefix", c.prefix) || !t.boolean("ws_security", c.ws_security)
      || !t.boolean("lookup_by_external_reference",
                    c.lookup_by_external_reference)
      || !t.done())
    return false;
  if (!namespace_uri(p, t.line(), c.ns))
    return false;
  if (!is_xml_name(c.prefix) || c.prefix == "soapenv" || c.prefix == "wsse"
      || c.prefix.rfind("xml", 0) == 0)
    return p.fail(t.line(), "prefix '" + c.prefix
                              + "' cannot be used: it must be an XML name, "
                                "not soapenv, wsse or xml...");
  return true;
}

bool read_types(table& t, contract& c, problems& p) {
  for (auto type :
       {ticket_type::incident, ticket_type::change, ticket_type::problem}) {
    auto& name = c.type_names[static_cast<std::size_t>(type)];
    if (!t.text(to_string(type), name))
      return false;
    if (!name.empty() && !check_xml_text(name).empty())
      return p.fail(t.line(), std::string{to_string(type)} + " in [types] "
                                + "holds text XML does not allow");
    for (std::size_t i = 0; i < static_cast<std::size_t>(type); ++i)
      if (!name.empty() && c.type_names[i] == name)
        return p.fail(t.line(), "[types] spells two ticket types '" + name
                                  + "'");
  }
  return t.done();
}

} // namespace

result<std::shared_ptr<const contract>>
load_contract_text(std::string_view text, const std::string& source) {
  problems p{source};
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    p.fail(e.source(), "not valid TOML: " + std::string{e.description()});
    return failure{p.message(), "contract"};
  }
  auto c = std::make_shared<contract>();
  c->source = source;
  table r{&root, "the contract file", p};
  const toml::table *head = nullptr, *types = nullptr, *fields = nullptr,
                    *filter = nullptr, *values = nullptr, *faults = nullptr;
  bool ok = r.sub("contract", head, true) && r.sub("types", types)
            && r.sub("fields", fields) && r.sub("filter", filter)
            && r.sub("values", values) && r.sub("faults", faults, true);
  auto ops = ok ? r.take("operation") : nullptr;
  ok = ok && r.done();
  if (ok) {
    table h{head, "[contract]", p};
    table ty{types, "[types]", p};
    table fs{fields, "[fields]", p};
    table fl{filter, "[filter]", p};
    std::vector<std::string_view> field_names, filter_names;
    for (auto& d : ticket_field_defs())
      field_names.push_back(d.json_name);
    for (auto n : filter_json_names())
      filter_names.push_back(n);
    std::vector<std::pair<int, std::string>> field_map, filter_map;
    ok = read_contract_table(h, *c, p) && read_types(ty, *c, p)
         && read_element_map(fs, field_names, "a ticket field", field_map, p)
         && read_element_map(fl, filter_names, "a query filter", filter_map,
                             p)
         && read_all_values(values, *c, p) && read_faults(faults, *c, p);
    for (auto& [i, name] : field_map) {
      c->field_tags[static_cast<std::size_t>(i)].name = name;
      c->field_order.push_back(static_cast<uint8_t>(i));
    }
    for (auto& [i, name] : filter_map) {
      c->filter_tags[static_cast<std::size_t>(i)].name = name;
      c->filter_order.push_back(static_cast<uint8_t>(i));
    }
  }
  if (ok && c->name.empty()) {
    auto base = source.substr(source.find_last_of('/') + 1);
    c->name = base.substr(0, base.rfind('.'));
  }
  if (ok) {
    auto arr = ops ? ops->as_array() : nullptr;
    if (!arr || !arr->is_array_of_tables() || arr->empty())
      ok = p.fail(ops ? line_of(*ops) : 0,
                  "a contract needs at least one [[operation]]");
    for (std::size_t i = 0; ok && arr && i < arr->size(); ++i)
      ok = read_operation(*(*arr)[i].as_table(), static_cast<int>(i), *c, p);
  }
  ok = ok && check_contract(*c, p);
  if (!ok)
    return failure{p.message(), "contract"};
  encode_contract(*c);
  return std::shared_ptr<const contract>{std::move(c)};
}

result<std::shared_ptr<const contract>>
load_contract_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return failure{path + ": cannot read the contract file", "contract"};
  std::ostringstream text;
  text << in.rdbuf();
  return load_contract_text(text.str(), path);
}

} // namespace usms::soap
