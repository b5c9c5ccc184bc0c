#include "config/alert_template.hpp"

#include "config/keys.hpp"
#include "config/runtime_patch.hpp"
#include "contains.hpp"
#include "temp_file.hpp"

#include <catch2/catch.hpp>

using namespace usms::config;
using usms::config::test::contains;
using usms::config::test::temp_file;

namespace {

using kind = template_part_kind;

std::vector<template_part> parts(std::string_view text) {
  auto parsed = parse_template(text);
  INFO(text);
  REQUIRE(parsed);
  return *parsed;
}

std::string refusal(std::string_view text) {
  auto parsed = parse_template(text);
  INFO(text);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == "template");
  return parsed.error().message;
}

} // namespace

TEST_CASE("a template parses into text and references", "[config][template]") {
  CHECK(parts("").empty());
  CHECK(parts("plain text")
        == std::vector<template_part>{{kind::literal, "plain text"}});
  CHECK(parts("{{ annotations.summary }}")
        == std::vector<template_part>{{kind::annotation, "summary"}});
  CHECK(parts("{{labels.instance}}")
        == std::vector<template_part>{{kind::label, "instance"}});
  CHECK(parts("[{{ labels.severity }}] {{\tannotations._x9 \t}} on "
              "{{  labels.instance  }}!")
        == std::vector<template_part>{{kind::literal, "["},
                                      {kind::label, "severity"},
                                      {kind::literal, "] "},
                                      {kind::annotation, "_x9"},
                                      {kind::literal, " on "},
                                      {kind::label, "instance"},
                                      {kind::literal, "!"}});
  // Single braces and a closing mark alone are text.
  CHECK(parts("a { b } c }} d")
        == std::vector<template_part>{{kind::literal, "a { b } c }} d"}});
  CHECK(parts("{{ labels.a }}{{ labels.b }}")
        == std::vector<template_part>{{kind::label, "a"}, {kind::label, "b"}});
}

TEST_CASE("anything else inside {{ }} is refused with the place and reason",
          "[config][template]") {
  CHECK(refusal("Disk {{ .Labels.instance }} full")
        == "'{{ .Labels.instance }}' at character 6 is not {{ labels.NAME }} "
           "or {{ annotations.NAME }} (NAME: letters, digits and _, not "
           "starting with a digit)");
  CHECK(refusal("x {{ labels.instance")
        == "'{{' at character 3 is never "
           "closed with '}}'");
  for (auto bad :
       {"{{ }}", "{{ labels }}", "{{ labels. }}", "{{ labels.9x }}",
        "{{ labels.a-b }}", "{{ labels.a.b }}", "{{ Labels.a }}",
        "{{ annotations.a | upper }}", "{{ labels .a }}", "{{- labels.a -}}",
        "{{ env.HOME }}", "{{ labels.a }} {{ secret }}"}) {
    INFO(bad);
    CHECK(contains(refusal(bad), "is not {{ labels.NAME }}"));
  }
}

TEST_CASE("templates are checked at load and in PUT, naming the key",
          "[config][template]") {
  temp_file file{"[alertmanager]\n"
                 "summary = \"{{ labels.alertname }}: {{ annotations.summary "
                 "}}\"\n"
                 "description = \"{{ .Annotations.description }}\"\n"};
  auto bad = load_settings(file.path(), {}, {}, {});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == "alertmanager.description");
  CHECK(bad.error().message
        == "alertmanager.description from " + file.path()
               + " line 3: '{{ .Annotations.description }}' at character 1 "
                 "is not {{ labels.NAME }} or {{ annotations.NAME }} (NAME: "
                 "letters, digits and _, not starting with a digit)");
  auto env = load_settings(
      "", {{"USMS_GW_ALERTMANAGER_CONFIGURATION_ITEM", "{{ labels.host"}}, {},
      {});
  REQUIRE_FALSE(env);
  CHECK(env.error().message
        == "alertmanager.configuration_item from "
           "USMS_GW_ALERTMANAGER_CONFIGURATION_ITEM: '{{' at character 1 is "
           "never closed with '}}'");

  auto current = load_settings("", {}, {}, {});
  REQUIRE(current);
  auto refused = apply_patch(
      *current, R"({"alertmanager": {"summary": "{{ labels.a }} {{ x }}"}})");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "alertmanager.summary");
  CHECK(refused.error().message.rfind(
            "alertmanager.summary: '{{ x }}' at character 16 is not", 0)
        == 0);
  auto accepted = apply_patch(
      *current, R"({"alertmanager": {"summary": "{{labels.job}}: a:b@c"}})");
  REQUIRE(accepted);
  CHECK(accepted->updated.values.alertmanager.summary
        == "{{labels.job}}: a:b@c");
  // Templates are shown as written: a ':' and an '@' are no password.
  CHECK(contains(to_json(accepted->updated), "{{labels.job}}: a:b@c"));
  CHECK(format_text(*find_key("alertmanager.summary"),
                    value{std::string{"x:y@z"}})
        == "x:y@z");
}
