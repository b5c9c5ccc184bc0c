#include "bench/storm/peer_figures.hpp"

#include <fstream>

#include <rapidjson/document.h>
#include <rapidjson/istreamwrapper.h>

namespace usms::bench {

usms::result<peer_figures> read_peer(const std::string& name,
                                     const std::string& path) {
  std::ifstream in{path};
  if (!in)
    return failure{"cannot read " + path, "peer"};
  rapidjson::IStreamWrapper isw{in};
  rapidjson::Document d;
  d.ParseStream(isw);
  if (d.HasParseError() || !d.IsObject())
    return failure{path + " is not a JSON object", "peer"};
  peer_figures p;
  p.name = name;
  auto get = [&](const char* k) -> const rapidjson::Value* {
    auto m = d.FindMember(k);
    return m == d.MemberEnd() ? nullptr : &m->value;
  };
  if (auto* v = get("name"); v && v->IsString())
    p.name = v->GetString();
  if (auto* v = get("completed"); v && v->IsNumber())
    p.completed = v->GetInt64();
  if (auto* v = get("seconds"); v && v->IsNumber())
    p.seconds = v->GetDouble();
  if (auto* v = get("per_second"); v && v->IsNumber())
    p.per_second = v->GetDouble();
  if (auto* v = get("concurrency"); v && v->IsNumber())
    p.concurrency = v->GetInt();
  if (auto* v = get("errors"); v && v->IsNumber())
    p.errors = v->GetInt64();
  if (auto* v = get("note"); v && v->IsString())
    p.note = v->GetString();
  return p;
}

} // namespace usms::bench
