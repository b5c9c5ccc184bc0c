#include "config/runtime_patch.hpp"

#include "common/json_parse.hpp"
#include "config/json_value.hpp"
#include "config/keys.hpp"
#include "config/url_redaction.hpp"

#include <algorithm>

namespace usms::config {

namespace {

void write_key(json_writer& out, std::string_view name) {
  out.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}

void write_string(json_writer& out, std::string_view text) {
  out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

std::string_view view(const rapidjson::Value& s) {
  return {s.GetString(), s.GetStringLength()};
}

// The GET answer sent back: a URL shown with its password as `***` stands
// for the value as it is.
bool is_redacted_echo_of(const key_info& key, const value& v,
                         const settings& current) {
  return key.kind == value_kind::string
         && is_redacted_echo(std::get<std::string>(v),
                             std::get<std::string>(key.get(current)));
}

} // namespace

std::string to_json(const loaded& current) {
  rapidjson::StringBuffer buffer;
  json_writer out{buffer};
  out.StartObject();
  for (auto section : all_sections()) {
    write_key(out, section);
    out.StartObject();
    for (const auto& key : all_keys()) {
      if (key.section != section)
        continue;
      auto v = key.get(current.values);
      if (key.kind == value_kind::secret) {
        write_key(out, std::string{key.name} + "_set");
        out.Bool(!std::get<std::string>(v).empty());
      } else if (key.kind == value_kind::tokens) {
        write_key(out, std::string{key.name} + "_configured");
        out.Uint64(std::get<std::vector<auth_token>>(v).size());
      } else if (key.kind == value_kind::string) {
        write_key(out, key.name);
        write_string(out, redact_url_password(std::get<std::string>(v)));
      } else {
        write_key(out, key.name);
        write_value(out, key, v);
      }
    }
    out.EndObject();
  }
  write_key(out, "sources");
  out.StartObject();
  for (auto section : all_sections()) {
    write_key(out, section);
    out.StartObject();
    for (const auto& key : all_keys()) {
      if (key.section != section)
        continue;
      write_key(out, key.name);
      auto i = current.sources.find(key.dotted());
      write_string(out, to_string(i != current.sources.end()
                                      ? i->second
                                      : value_source::default_value));
    }
    out.EndObject();
  }
  out.EndObject();
  out.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

usms::result<patch_result> apply_patch(const loaded& current,
                                       std::string_view json_body) {
  rapidjson::Document doc;
  if (auto e = parse_json(json_body, doc))
    return usms::failure{"the body is " + e->message, "malformed"};
  if (!doc.IsObject())
    return usms::failure{"the body must be an object of sections, e.g. "
                         "{\"soap\": {\"retries\": 5}}",
                         "malformed"};
  std::vector<usms::failure> problems;
  std::vector<std::pair<const key_info*, value>> updates;
  for (const auto& section : doc.GetObject()) {
    auto section_name = view(section.name);
    if (section_name == "sources")
      continue; // a read-only echo of GET
    if (!is_section(section_name)) {
      problems.push_back(
          {std::string{section_name} + " is not a config section",
           std::string{section_name}});
      continue;
    }
    if (!section.value.IsObject()) {
      problems.push_back(
          {std::string{section_name} + " must be an object of settings",
           std::string{section_name}});
      continue;
    }
    for (const auto& member : section.value.GetObject()) {
      auto name = view(member.name);
      auto dotted = std::string{section_name} + "." + std::string{name};
      if (dotted == "soap.password_set" || dotted == "auth.tokens_configured")
        continue; // read-only echoes of GET
      const auto* key = find_key(section_name, name);
      if (key == nullptr) {
        problems.push_back({dotted + " is not a setting", dotted});
        continue;
      }
      auto v = key->secret && !key->runtime
                   ? usms::result<value>{usms::failure{}}
                   : value_from_json(*key, member.value);
      if (!key->runtime) {
        // An unchanged echo is harmless; anything else needs a restart.
        if (!v
            || (*v != key->get(current.values)
                && !is_redacted_echo_of(*key, *v, current.values)))
          problems.push_back({dotted
                                  + " cannot be changed at run time; edit the "
                                    "config file",
                              dotted});
        continue;
      }
      if (!v) {
        problems.push_back({dotted + ": " + v.error().message, dotted});
        continue;
      }
      if (is_redacted_echo_of(*key, *v, current.values))
        continue; // the password stays as it is
      updates.emplace_back(key, std::move(*v));
    }
  }
  if (!problems.empty()) {
    auto message = problems.front().message;
    for (std::size_t i = 1; i < problems.size(); ++i)
      message += "; " + problems[i].message;
    return usms::failure{std::move(message), problems.front().code};
  }
  patch_result out{current, {}, {}};
  for (const auto& [key, v] : updates) {
    auto dotted = key->dotted();
    if (v != key->get(out.updated.values)
        && std::find(out.changed_keys.begin(), out.changed_keys.end(), dotted)
               == out.changed_keys.end())
      out.changed_keys.push_back(dotted);
    key->set(out.updated.values, v);
    out.updated.sources[dotted] = value_source::runtime;
    out.runtime_json[dotted] = to_json_text(*key, v);
  }
  if (auto problem
      = check_consistency(out.updated.values, &out.updated.sources))
    return *problem;
  return out;
}

} // namespace usms::config
