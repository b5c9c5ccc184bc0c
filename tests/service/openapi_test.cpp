// The OpenAPI document against the route table: the router refuses every
// route the table lacks, so a route the document lacks fails here.

#include <catch2/catch.hpp>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "app/route_table.hpp"
#include "app/service_routes.hpp"
#include "tests/support/gateway_stack.hpp"

namespace {

using usms::app::route_entry;
using usms::app::route_table;

const std::set<std::string> http_methods{"get",     "put",  "post",
                                         "delete",  "patch", "head",
                                         "options", "trace"};

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

rapidjson::Document load_document() {
  auto text = read_file(std::string{USMS_SOURCE_DIR} + "/api/openapi.json");
  REQUIRE_FALSE(text.empty());
  return usms::test::parse_json(text);
}

/// "METHOD path" of every table route the document does not describe.
std::vector<std::string> undocumented(const rapidjson::Value& doc,
                                      const std::vector<route_entry>& table) {
  std::vector<std::string> missing;
  const auto& paths = doc["paths"];
  for (auto& r : table) {
    std::string path{r.path};
    auto p = paths.FindMember(path.c_str());
    if (p == paths.MemberEnd() || !p->value.IsObject()
        || !p->value.HasMember(lower(r.method).c_str()))
      missing.push_back(std::string{r.method} + " " + path);
  }
  return missing;
}

/// "method path" of every documented operation the table lacks.
std::vector<std::string> unrouted(const rapidjson::Value& doc,
                                  const std::vector<route_entry>& table) {
  std::vector<std::string> extra;
  for (auto& p : doc["paths"].GetObject())
    for (auto& op : p.value.GetObject()) {
      std::string method = op.name.GetString();
      if (!http_methods.count(method))
        continue; // "parameters", "summary", ...
      bool found = std::any_of(table.begin(), table.end(), [&](auto& r) {
        return lower(r.method) == method && r.path == p.name.GetString();
      });
      if (!found)
        extra.push_back(method + " " + p.name.GetString());
    }
  return extra;
}

/// Follows a local `$ref` ("#/components/..."); null when it dangles.
const rapidjson::Value* resolve(const rapidjson::Value& doc,
                                const rapidjson::Value& v) {
  if (!v.IsObject() || !v.HasMember("$ref"))
    return &v;
  std::string ref = v["$ref"].GetString();
  if (ref.rfind("#/", 0) != 0)
    return nullptr;
  return rapidjson::Pointer(ref.substr(1).c_str()).Get(doc);
}

/// Every `$ref` anywhere below `v` that points nowhere.
void dangling_refs(const rapidjson::Value& doc, const rapidjson::Value& v,
                   std::vector<std::string>& out) {
  if (v.IsObject()) {
    if (v.HasMember("$ref") && !resolve(doc, v))
      out.push_back(v["$ref"].IsString() ? v["$ref"].GetString() : "?");
    for (auto& m : v.GetObject())
      dangling_refs(doc, m.value, out);
  } else if (v.IsArray()) {
    for (auto& e : v.GetArray())
      dangling_refs(doc, e, out);
  }
}

} // namespace

TEST_CASE("OpenAPI: every route of the table is documented and vice versa",
          "[openapi]") {
  auto doc = load_document();
  CHECK(usms::test::json_string(doc, "openapi") == "3.0.3");
  REQUIRE(doc.HasMember("paths"));
  REQUIRE(doc["paths"].IsObject());
  REQUIRE_FALSE(route_table().empty());

  auto missing = undocumented(doc, route_table());
  INFO("routes the document lacks: " << Catch::Detail::stringify(missing));
  CHECK(missing.empty());

  auto extra = unrouted(doc, route_table());
  INFO("documented operations no route serves: "
       << Catch::Detail::stringify(extra));
  CHECK(extra.empty());

  // The check itself bites: a route added to the table but not to the
  // document is reported.
  auto table = route_table();
  table.push_back({"POST", "/api/v1/undocumented"});
  table.push_back({"DELETE", "/api/v1/config"});
  auto reported = undocumented(doc, table);
  CHECK(reported
        == std::vector<std::string>{"POST /api/v1/undocumented",
                                    "DELETE /api/v1/config"});
}

TEST_CASE("OpenAPI: operations are complete and references resolve",
          "[openapi]") {
  auto doc = load_document();
  std::vector<std::string> dangling;
  dangling_refs(doc, doc, dangling);
  INFO("dangling $refs: " << Catch::Detail::stringify(dangling));
  CHECK(dangling.empty());

  for (auto& p : doc["paths"].GetObject()) {
    std::string path = p.name.GetString();
    // The path's {name} segments.
    std::set<std::string> templated;
    for (std::size_t i = path.find('{'); i != std::string::npos;
         i = path.find('{', i + 1))
      templated.insert(path.substr(i + 1, path.find('}', i) - i - 1));
    for (auto& op : p.value.GetObject()) {
      std::string method = op.name.GetString();
      if (!http_methods.count(method))
        continue;
      INFO(method << " " << path);
      CHECK(op.value.HasMember("responses"));
      // Each template name is declared as a path parameter, at the path
      // or the operation level.
      std::set<std::string> declared;
      for (auto* level : {&p.value, &op.value}) {
        if (!level->HasMember("parameters"))
          continue;
        for (auto& param : (*level)["parameters"].GetArray()) {
          auto* real = resolve(doc, param);
          REQUIRE(real);
          if (usms::test::json_string(*real, "in") == "path")
            declared.insert(usms::test::json_string(*real, "name"));
        }
      }
      // /assets/{file} spans several segments; still a declared parameter.
      CHECK(declared == templated);
    }
  }
}

TEST_CASE("OpenAPI: the embedded document is api/openapi.json",
          "[openapi]") {
  auto file = read_file(std::string{USMS_SOURCE_DIR} + "/api/openapi.json");
  CHECK(std::string{usms::app::openapi_document()} == file);
}

TEST_CASE("OpenAPI: GET /api/v1/openapi.json from a running gateway",
          "[openapi][http]") {
  usms::test::gateway_stack stack;
  auto r = stack.call("GET", "/api/v1/openapi.json");
  REQUIRE(r.status == 200);
  CHECK(usms::http::find_header(r.headers, "Content-Type").find("json")
        != std::string_view::npos);
  auto doc = usms::test::parse_json(r.body);
  CHECK(usms::test::json_string(doc, "openapi") == "3.0.3");
  REQUIRE(doc.HasMember("paths"));
  CHECK(undocumented(doc, route_table()).empty());
  CHECK(r.body == read_file(std::string{USMS_SOURCE_DIR}
                            + "/api/openapi.json"));

  // Every route of the table is really served: none answers 405 or "no
  // such endpoint" (a 404 about a missing request or route is fine).
  for (auto& route : route_table()) {
    std::string path{route.path};
    auto fill = [&](const std::string& name, const std::string& value) {
      auto at = path.find("{" + name + "}");
      if (at != std::string::npos)
        path.replace(at, name.size() + 2, value);
    };
    fill("type", "incident");
    fill("id", "INC0000001");
    fill("source", "nms");
    fill("file", "no-such-asset.js");
    std::string method{route.method};
    std::string body = method == "GET" || method == "DELETE" ? "" : "{}";
    auto a = stack.call(method, path, body);
    INFO(method << " " << path << " -> " << a.status << " " << a.body);
    CHECK(a.error.empty());
    CHECK(a.status != 405);
    CHECK(a.body.find("no such endpoint") == std::string::npos);
  }
  // And what the table lacks is refused.
  CHECK(stack.call("GET", "/api/v1/nothing").status == 404);
  CHECK(stack.call("DELETE", "/api/v1/config").status == 405);
}
