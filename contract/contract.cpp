// Lookups on a loaded contract, the built-in contracts, and the model's
// field and filter indexes. Loading and checking is contract_loader.cpp.

#include "contract/contract.hpp"

#include <mutex>
#include <stdexcept>

#include "contract/contract_files.hpp"

namespace usms::soap {

std::string_view value_map::to_wire(std::string_view model) const {
  for (auto& [m, w] : pairs)
    if (m == model)
      return w;
  return model;
}

std::optional<std::string_view>
value_map::to_model(std::string_view wire) const {
  for (auto& [m, w] : pairs)
    if (w == wire)
      return std::string_view{m};
  if (complete)
    return std::nullopt;
  // Unmapped model values travel as they are; a mapped one does not.
  for (auto& [m, w] : pairs)
    if (m == wire)
      return std::nullopt;
  return wire;
}

std::string_view fault_layout::ours(std::string_view wire_code) const {
  for (auto& [w, o] : codes)
    if (w == wire_code)
      return o;
  return wire_code;
}

std::string_view fault_layout::wire(std::string_view our_code) const {
  for (auto& [w, o] : codes)
    if (o == our_code)
      return w;
  return our_code;
}

const operation* contract::sent(action a, ticket_type t) const {
  auto i = sent_ops[static_cast<std::size_t>(a) * 3
                    + static_cast<std::size_t>(t)];
  return i < 0 ? nullptr : &operations[static_cast<std::size_t>(i)];
}

const operation* contract::by_request(std::string_view local) const {
  for (auto& op : operations)
    if (op.request.name == local)
      return &op;
  return nullptr;
}

int contract::field_of_element(std::string_view local) const {
  for (auto i : field_order)
    if (field_tags[i].name == local)
      return i;
  return -1;
}

const value_map* contract::values_for(field_kind kind, ticket_type type) const {
  const value_map* m = nullptr;
  switch (kind) {
    case field_kind::status:
      m = &statuses[static_cast<std::size_t>(type)];
      break;
    case field_kind::priority:
      m = &priorities;
      break;
    case field_kind::boolean:
      m = &booleans;
      break;
    case field_kind::change_type:
      m = &change_types;
      break;
    case field_kind::text:
    case field_kind::date_time:
      break;
  }
  return m && !m->empty() ? m : nullptr;
}

std::string contract::offered_list() const {
  std::string out;
  for (auto a : {action::create, action::update, action::query})
    for (auto t :
         {ticket_type::incident, ticket_type::change, ticket_type::problem})
      if (offers(a, t)) {
        if (!out.empty())
          out += ", ";
        out += to_string(a);
        out += ' ';
        out += to_string(t);
      }
  return out.empty() ? "nothing" : out;
}

std::vector<std::string_view> request_child_names(const contract& k,
                                                  const operation& op) {
  std::vector<std::string_view> out;
  for (auto* e : {&op.type_element, &op.ticket_id, &op.ticket, &op.work_note,
                  &op.filter, &op.limit})
    if (*e)
      out.push_back(e->name);
  if (!op.ticket)
    for (auto i : op.fields)
      out.push_back(k.field_tags[i].name);
  if (!op.filter)
    for (auto i : op.filters)
      out.push_back(k.filter_tags[i].name);
  return out;
}

int model_field_index(std::string_view name) {
  auto& defs = ticket_field_defs();
  for (std::size_t i = 0; i < defs.size(); ++i)
    if (defs[i].soap_name == name)
      return static_cast<int>(i);
  return -1;
}

int model_filter_index(std::string_view name) {
  auto& filters = query_filter_fields();
  for (std::size_t i = 0; i < filters.size(); ++i)
    if (filters[i] == name)
      return static_cast<int>(i);
  return -1;
}

const std::array<std::string_view, filter_field_count>& filter_json_names() {
  static constexpr std::array<std::string_view, filter_field_count> names{
    "ticket_id",          "status",           "external_reference",
    "configuration_item", "assignment_group", "updated_since"};
  return names;
}

std::shared_ptr<const contract> builtin_contract(int api_version) {
  static std::once_flag once;
  static std::shared_ptr<const contract> v1, v2;
  std::call_once(once, [] {
    auto load = [](int v) {
      auto c = load_contract_text(contract_files::builtin_toml(v),
                                  "built-in usms-v" + std::to_string(v)
                                    + ".toml");
      // The files are tested; a failure here is a build that broke them.
      if (!c)
        throw std::logic_error(c.error().message);
      return std::move(*c);
    };
    v1 = load(1);
    v2 = load(2);
  });
  return api_version == 1 ? v1 : v2;
}

} // namespace usms::soap
