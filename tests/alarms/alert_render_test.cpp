#include <catch2/catch.hpp>

#include "alarms/alert_render.hpp"

using namespace usms;
using namespace usms::alarms;

namespace {

std::string render(std::string_view text, const alert_values& labels,
                   const alert_values& annotations) {
  auto parts = config::parse_template(text);
  REQUIRE(parts.ok());
  return render_template(*parts, labels, annotations);
}

} // namespace

TEST_CASE("templates render labels and annotations", "[alarms][render]") {
  alert_values labels{{"instance", "olt-17:9100"}, {"job", "node"}};
  alert_values annotations{{"summary", "Node down"}};
  CHECK(render("{{ annotations.summary }}", labels, annotations)
        == "Node down");
  CHECK(render("{{labels.job}} on {{ labels.instance }}: "
               "{{ annotations.summary }}!",
               labels, annotations)
        == "node on olt-17:9100: Node down!");
  CHECK(render("plain text", labels, annotations) == "plain text");
  CHECK(render("", labels, annotations).empty());
}

TEST_CASE("a name the alert lacks renders empty", "[alarms][render]") {
  CHECK(render("[{{ labels.missing }}]", {}, {}) == "[]");
  // A label is not an annotation of the same name.
  CHECK(render("{{ annotations.job }}", {{"job", "node"}}, {}).empty());
}

TEST_CASE("values are copied as they are", "[alarms][render]") {
  CHECK(render("{{ labels.x }}", {{"x", "{{ labels.y }}"}}, {})
        == "{{ labels.y }}");
}
