#include "cli/field_args.hpp"

#include <cerrno>
#include <cstdlib>
#include <map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace usms::cli {

namespace {

bool is_numeric_field(const std::string& key) {
  return key == "priority" || key == "impact" || key == "urgency";
}

std::optional<long long> read_integer(const std::string& text) {
  if (text.empty())
    return std::nullopt;
  errno = 0;
  char* end = nullptr;
  auto v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0')
    return std::nullopt;
  return v;
}

} // namespace

std::variant<field_arg, std::string> parse_field_arg(const std::string& arg) {
  auto pair = parse_pair_arg(arg);
  if (auto* err = std::get_if<std::string>(&pair))
    return *err;
  auto& [key, value] = std::get<std::pair<std::string, std::string>>(pair);
  field_arg out;
  out.key = key;
  out.text = value;
  if (is_numeric_field(key)) {
    if (auto n = read_integer(value)) {
      out.type = field_arg::kind::integer;
      out.integer = *n;
    }
  } else if (key == "known_error") {
    if (value == "true" || value == "false") {
      out.type = field_arg::kind::boolean;
      out.boolean = value == "true";
    }
  }
  return out;
}

std::variant<std::pair<std::string, std::string>, std::string>
parse_pair_arg(const std::string& arg) {
  auto eq = arg.find('=');
  if (eq == std::string::npos)
    return "'" + arg + "' is not KEY=VALUE";
  if (eq == 0)
    return "'" + arg + "' has an empty key";
  return std::make_pair(arg.substr(0, eq), arg.substr(eq + 1));
}

std::string ticket_body_json(const ticket_body& body) {
  // Last one wins, in the order given, like repeated flags elsewhere.
  std::vector<const field_arg*> ordered;
  std::map<std::string, std::size_t> index;
  for (auto& f : body.fields) {
    auto [it, fresh] = index.emplace(f.key, ordered.size());
    if (fresh)
      ordered.push_back(&f);
    else
      ordered[it->second] = &f;
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.StartObject();
  w.Key("fields");
  w.StartObject();
  for (auto* f : ordered) {
    w.Key(f->key.c_str(), static_cast<rapidjson::SizeType>(f->key.size()));
    switch (f->type) {
      case field_arg::kind::integer:
        w.Int64(f->integer);
        break;
      case field_arg::kind::boolean:
        w.Bool(f->boolean);
        break;
      case field_arg::kind::text:
        w.String(f->text.c_str(),
                 static_cast<rapidjson::SizeType>(f->text.size()));
        break;
    }
  }
  w.EndObject();
  auto optional_string = [&w](const char* key,
                              const std::optional<std::string>& v) {
    if (!v)
      return;
    w.Key(key);
    w.String(v->c_str(), static_cast<rapidjson::SizeType>(v->size()));
  };
  optional_string("source", body.source);
  optional_string("correlation_id", body.correlation_id);
  optional_string("reply_to", body.reply_to);
  optional_string("work_note", body.work_note);
  w.EndObject();
  return buf.GetString();
}

} // namespace usms::cli
