#include "contract/contract_toml.hpp"

#include <algorithm>

namespace usms::soap::toml_read {

bool problems::fail(int line, const std::string& why) {
  if (first_.empty())
    first_ = source_ + (line > 0 ? " line " + std::to_string(line) : "")
             + ": " + why;
  return false;
}

int line_of(const toml::node& n) {
  return static_cast<int>(n.source().begin.line);
}

std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    default:
      return "a date or time";
  }
}

table::table(const toml::table* t, std::string name, problems& p)
  : t_(t), name_(std::move(name)), p_(p) {
}

int table::line() const {
  return t_ ? line_of(*t_) : 0;
}

const toml::node* table::take(std::string_view key) {
  if (!t_)
    return nullptr;
  auto n = t_->get(key);
  if (n)
    taken_.emplace_back(key);
  return n;
}

namespace {

// A string or boolean value of `t` under `key`; `what` names the type in
// messages.
template <class T>
bool scalar(table& t, problems& p, std::string_view key, T& out,
            bool required, std::string_view what) {
  auto n = t.take(key);
  if (!n) {
    if (required)
      return p.fail(t.line(), t.name() + " needs " + std::string{key});
    return true;
  }
  auto v = n->as<T>();
  if (!v)
    return p.fail(line_of(*n), std::string{key} + " in " + t.name()
                                 + " must be " + std::string{what} + ", not "
                                 + std::string{type_name(*n)});
  out = v->get();
  return true;
}

} // namespace

bool table::text(std::string_view key, std::string& out, bool required) {
  return scalar(*this, p_, key, out, required, "a string");
}

bool table::boolean(std::string_view key, bool& out) {
  return scalar(*this, p_, key, out, false, "true or false");
}

bool table::texts(std::string_view key,
                  std::vector<std::pair<std::string, int>>& out,
                  bool& present) {
  auto n = take(key);
  present = n != nullptr;
  if (!n)
    return true;
  auto a = n->as_array();
  if (!a)
    return p_.fail(line_of(*n), std::string{key} + " in " + name_
                                  + " must be an array of strings, not "
                                  + std::string{type_name(*n)});
  for (auto& item : *a) {
    auto s = item.as_string();
    if (!s)
      return p_.fail(line_of(item), std::string{key} + " in " + name_
                                      + " must hold strings, not "
                                      + std::string{type_name(item)});
    out.emplace_back(s->get(), line_of(item));
  }
  return true;
}

bool table::sub(std::string_view key, const toml::table*& out,
                bool required) {
  out = nullptr;
  auto n = take(key);
  if (!n) {
    if (required)
      return p_.fail(line(), name_ + " needs a table " + std::string{key});
    return true;
  }
  out = n->as_table();
  if (!out)
    return p_.fail(line_of(*n), std::string{key} + " in " + name_
                                  + " must be a table, not "
                                  + std::string{type_name(*n)});
  return true;
}

std::vector<entry> table::in_file_order() const {
  std::vector<entry> out;
  if (!t_)
    return out;
  for (auto&& [k, v] : *t_)
    out.push_back(entry{k.str(), &v, static_cast<int>(k.source().begin.line),
                        static_cast<int>(k.source().begin.column)});
  std::stable_sort(out.begin(), out.end(), [](const entry& a, const entry& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return out;
}

void table::take_all() {
  for (auto& e : in_file_order())
    taken_.emplace_back(e.key);
}

bool table::done() {
  for (auto& e : in_file_order())
    if (std::find(taken_.begin(), taken_.end(), e.key) == taken_.end())
      return p_.fail(e.line, "unknown key '" + std::string{e.key} + "' in "
                               + name_);
  return true;
}

} // namespace usms::soap::toml_read
