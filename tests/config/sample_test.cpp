#include "config/keys.hpp"
#include "config/loader.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace usms::config;

TEST_CASE("the sample config loads and holds every key at its default",
          "[config][sample]") {
  const std::string path
      = std::string{USMS_SOURCE_DIR} + "/config/usms-gateway.sample.toml";
  auto x = load_settings(path, {}, {}, {});
  REQUIRE(x);
  // The built-in defaults as the loader completes them (the instance id).
  auto defaults = load_settings("", {}, {}, {});
  REQUIRE(defaults);
  for (const auto& key : all_keys()) {
    INFO(key.dotted());
    // Every key is written out in the sample ...
    CHECK(x->sources.at(key.dotted()) == value_source::file);
    // ... with its built-in default.
    CHECK(key.get(x->values) == key.get(defaults->values));
  }
  // Each key has a comment line right above it.
  std::ifstream in{path};
  std::string line;
  std::string previous;
  int keys = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#' && line[0] != '['
        && line.find(" = ") != std::string::npos) {
      INFO(line);
      CHECK(previous.rfind("# ", 0) == 0);
      ++keys;
    }
    previous = line;
  }
  CHECK(keys == static_cast<int>(all_keys().size()));
}
