#include "config/loader.hpp"

#include "config/instance_id.hpp"
#include "config/keys.hpp"
#include "config/url_redaction.hpp"
#include "config/value_checks.hpp"

#include <toml++/toml.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace usms::config {

namespace {

// Where a value was read, for messages: "file ./gw.toml line 12",
// "USMS_GW_SOAP_RETRIES", "flag", "runtime".
usms::failure from(const key_info& key, const std::string& where,
                   const usms::failure& problem) {
  return usms::failure{key.dotted() + " from " + where + ": " + problem.message,
                       key.dotted()};
}

std::string file_where(const std::string& path, const toml::source_region& at) {
  return path + " line " + std::to_string(at.begin.line);
}

// --- TOML -------------------------------------------------------------------

usms::result<value> toml_tokens(const key_info& key, const toml::node& node) {
  const auto* array = node.as_array();
  if (array == nullptr)
    return usms::failure{"expected an array of tables {token = \"...\", "
                         "scope = \"read|submit|admin\"}",
                         key.dotted()};
  std::vector<auth_token> tokens;
  for (const auto& item : *array) {
    auto n = std::to_string(tokens.size() + 1);
    const auto* table = item.as_table();
    if (table == nullptr)
      return usms::failure{"token #" + n + " (line "
                               + std::to_string(item.source().begin.line)
                               + ") is not a table {token = ..., scope = ...}",
                           key.dotted()};
    auth_token t;
    bool has_token = false;
    bool has_scope = false;
    for (auto&& [name, field] : *table) {
      if (name.str() == "token" && field.is_string()) {
        t.token = field.as_string()->get();
        has_token = true;
      } else if (name.str() == "scope" && field.is_string()) {
        auto scope = parse_token_scope(field.as_string()->get());
        if (!scope)
          return usms::failure{
              "token #" + n + " (line "
                  + std::to_string(field.source().begin.line)
                  + ") has a scope that is not read, submit or "
                    "admin",
              key.dotted()};
        t.scope = *scope;
        has_scope = true;
      } else {
        return usms::failure{
            "token #" + n + " (line " + std::to_string(name.source().begin.line)
                + ") has an unexpected key '" + std::string{name.str()} + "'",
            key.dotted()};
      }
    }
    if (!has_token || !has_scope)
      return usms::failure{"token #" + n + " (line "
                               + std::to_string(item.source().begin.line)
                               + ") needs both token and scope",
                           key.dotted()};
    tokens.push_back(std::move(t));
  }
  return check_value(key, value{std::move(tokens)});
}

// `priority = {critical = 1, major = 2}` or a `[alertmanager.priority]`
// table.
usms::result<value> toml_priorities(const key_info& key,
                                    const toml::node& node) {
  const auto* table = node.as_table();
  if (table == nullptr)
    return usms::failure{"expected a table of severity names to priorities, "
                         "e.g. {critical = 1, major = 2}",
                         key.dotted()};
  priority_table out;
  for (auto&& [name, item] : *table) {
    std::string severity{name.str()};
    const auto* number = item.as_integer();
    if (number == nullptr)
      return usms::failure{"severity " + quoted_redacted(severity) + " (line "
                               + std::to_string(item.source().begin.line)
                               + ") needs an integer priority",
                           key.dotted()};
    if (auto problem = check_priority(severity, number->get());
        !problem.empty())
      return usms::failure{std::move(problem), key.dotted()};
    add_priority(out, std::move(severity), static_cast<int>(number->get()));
  }
  return check_value(key, value{std::move(out)});
}

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
  case toml::node_type::string:
    return "a string";
  case toml::node_type::integer:
    return "an integer";
  case toml::node_type::floating_point:
    return "a float";
  case toml::node_type::boolean:
    return "a boolean";
  case toml::node_type::array:
    return "an array";
  case toml::node_type::table:
    return "a table";
  default:
    return "a date or time";
  }
}

usms::result<value> toml_value(const key_info& key, const toml::node& node) {
  auto wrong = [&](std::string_view expected) {
    return usms::failure{"expected " + std::string{expected} + ", got "
                             + std::string{toml_type_name(node)},
                         key.dotted()};
  };
  switch (key.kind) {
  case value_kind::string:
  case value_kind::template_text:
  case value_kind::secret:
    if (!node.is_string())
      return wrong("a string");
    return parse_text(key, node.as_string()->get());
  case value_kind::integer:
    if (!node.is_integer())
      return wrong("an integer");
    return check_value(key, value{node.as_integer()->get()});
  case value_kind::number:
    if (node.is_integer())
      return check_value(key,
                         value{static_cast<double>(node.as_integer()->get())});
    if (!node.is_floating_point())
      return wrong("a number");
    return check_value(key, value{node.as_floating_point()->get()});
  case value_kind::boolean:
    if (!node.is_boolean())
      return wrong("true or false");
    return check_value(key, value{node.as_boolean()->get()});
  case value_kind::duration:
    if (node.is_integer() && node.as_integer()->get() == 0)
      return check_value(key, value{std::chrono::milliseconds{0}});
    if (!node.is_string())
      return wrong("a duration string such as \"30s\"");
    return parse_text(key, node.as_string()->get());
  case value_kind::size:
    if (node.is_integer())
      return check_value(key, value{node.as_integer()->get()});
    if (!node.is_string())
      return wrong("a size such as \"1MiB\" or a number of bytes");
    return parse_text(key, node.as_string()->get());
  case value_kind::optional_duration:
    if (!node.is_string())
      return wrong("a duration string such as \"30d\" or \""
                   + std::string{key.none_word} + "\"");
    return parse_text(key, node.as_string()->get());
  case value_kind::tokens:
    return toml_tokens(key, node);
  case value_kind::priority_table:
    return toml_priorities(key, node);
  }
  return wrong("a value");
}

std::optional<usms::failure> apply_file(const std::string& path, loaded& out) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return usms::failure{"cannot read config file " + path + ": "
                             + std::strerror(errno),
                         "config_file"};
  std::ostringstream text;
  text << in.rdbuf();
  toml::table root;
  try {
    root = toml::parse(text.str(), path);
  } catch (const toml::parse_error& e) {
    return usms::failure{path + " line " + std::to_string(e.source().begin.line)
                             + ": " + std::string{e.description()},
                         "config_file"};
  }
  for (auto&& [section, node] : root) {
    auto where = file_where(path, section.source());
    const auto* table = node.as_table();
    if (!is_section(section.str()))
      return usms::failure{where + ": "
                               + (table != nullptr
                                      ? "[" + std::string{section.str()}
                                            + "] is not a config section"
                                      : std::string{section.str()}
                                            + " is outside any [section]"),
                           std::string{section.str()}};
    if (table == nullptr)
      return usms::failure{where + ": " + std::string{section.str()}
                               + " must be a table (["
                               + std::string{section.str()} + "])",
                           std::string{section.str()}};
    for (auto&& [name, item] : *table) {
      const auto* key = find_key(section.str(), name.str());
      auto key_where = file_where(path, name.source());
      if (key == nullptr)
        return usms::failure{
            key_where + ": " + std::string{section.str()} + "."
                + std::string{name.str()} + " is not a setting",
            std::string{section.str()} + "." + std::string{name.str()}};
      auto v = toml_value(*key, item);
      if (!v)
        return from(*key, key_where, v.error());
      key->set(out.values, *v);
      out.sources[key->dotted()] = value_source::file;
    }
  }
  return std::nullopt;
}

// --- environment, flags, runtime -------------------------------------------

std::optional<usms::failure>
apply_env(const std::map<std::string, std::string>& env, loaded& out) {
  constexpr std::string_view prefix = "USMS_GW_";
  std::set<std::string> names;
  for (const auto& key : all_keys()) {
    auto name = key.env_name();
    names.insert(name);
    auto i = env.find(name);
    if (i == env.end())
      continue;
    auto v = parse_text(key, i->second);
    if (!v)
      return from(key, name, v.error());
    key.set(out.values, *v);
    out.sources[key.dotted()] = value_source::env;
  }
  // A variable of a known section that names no key is a typo; anything
  // else under USMS_GW_ belongs to someone else (e.g. the command line).
  for (const auto& [name, text] : env) {
    if (name.compare(0, prefix.size(), prefix) != 0 || names.count(name) > 0)
      continue;
    for (auto section : all_sections()) {
      std::string section_prefix{prefix};
      for (char c : section)
        section_prefix
            += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      section_prefix += '_';
      if (name.compare(0, section_prefix.size(), section_prefix) == 0)
        return usms::failure{name + " is not a setting (the ["
                                 + std::string{section} + "] variables are " +
                                 [&] {
                                   std::string list;
                                   for (const auto& k : all_keys())
                                     if (k.section == section)
                                       list += (list.empty() ? "" : ", ")
                                               + k.env_name();
                                   return list;
                                 }()
                                 + ")",
                             name};
    }
  }
  return std::nullopt;
}

std::optional<usms::failure>
apply_flags(const std::map<std::string, std::string>& flags, loaded& out) {
  for (const auto& [dotted, text] : flags) {
    const auto* key = find_key(dotted);
    if (key == nullptr)
      return usms::failure{"flag " + dotted + " is not a setting", dotted};
    auto v = parse_text(*key, text);
    if (!v)
      return from(*key, "flag", v.error());
    key->set(out.values, *v);
    out.sources[dotted] = value_source::flag;
  }
  return std::nullopt;
}

std::optional<usms::failure>
apply_runtime(const std::map<std::string, std::string>& runtime_json,
              loaded& out) {
  constexpr std::string_view hint
      = " (usms-gateway --reset-runtime-config drops the saved values)";
  for (const auto& [dotted, json] : runtime_json) {
    const auto* key = find_key(dotted);
    if (key == nullptr)
      return usms::failure{"saved runtime value " + dotted + " is not a setting"
                               + std::string{hint},
                           dotted};
    if (!key->runtime)
      return usms::failure{"saved runtime value " + dotted
                               + " cannot be changed at run time"
                               + std::string{hint},
                           dotted};
    auto v = parse_json_text(*key, json);
    if (!v)
      return from(*key, "runtime",
                  usms::failure{v.error().message + std::string{hint}, dotted});
    key->set(out.values, *v);
    out.sources[dotted] = value_source::runtime;
  }
  return std::nullopt;
}

} // namespace

usms::result<loaded>
load_settings(const std::string& toml_path,
              const std::map<std::string, std::string>& env,
              const std::map<std::string, std::string>& flags,
              const std::map<std::string, std::string>& runtime_json) {
  loaded out;
  for (const auto& key : all_keys())
    out.sources[key.dotted()] = value_source::default_value;
  // The proxy's default follows the usual convention; checked at the end so
  // a later source can replace a value the gateway cannot use.
  std::string proxy_variable;
  for (auto name : {"http_proxy", "HTTP_PROXY"})
    if (auto i = env.find(name); i != env.end() && !i->second.empty()) {
      out.values.usms.proxy = i->second;
      proxy_variable = name;
      break;
    }
  if (!toml_path.empty())
    if (auto problem = apply_file(toml_path, out))
      return *problem;
  if (auto problem = apply_env(env, out))
    return *problem;
  if (auto problem = apply_flags(flags, out))
    return *problem;
  if (auto problem = apply_runtime(runtime_json, out))
    return *problem;
  if (out.sources["usms.proxy"] == value_source::default_value
      && !proxy_variable.empty()) {
    const auto* key = find_key("usms", "proxy");
    if (auto v = check_value(*key, key->get(out.values)); !v)
      return from(*key,
                  proxy_variable + " (set USMS_GW_USMS_PROXY to replace it)",
                  v.error());
  }
  if (auto problem = check_consistency(out.values, &out.sources))
    return *problem;
  // Filled in last so that every source may leave it empty; the source
  // stays the one that set it (default when none did).
  if (out.values.cluster.instance_id.empty())
    out.values.cluster.instance_id = default_instance_id();
  return out;
}

std::map<std::string, std::string> environment_map(char** envp) {
  std::map<std::string, std::string> out;
  if (envp == nullptr)
    return out;
  for (char** p = envp; *p != nullptr; ++p) {
    std::string_view entry{*p};
    auto eq = entry.find('=');
    if (eq == std::string_view::npos)
      continue;
    out.emplace(std::string{entry.substr(0, eq)},
                std::string{entry.substr(eq + 1)});
  }
  return out;
}

} // namespace usms::config
