// The runtime patch (PUT /api/v1/config bodies) on any bytes: all or
// nothing, never a crash. What it accepts is saved as JSON that the next
// start loads back to the same settings.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include <rapidjson/document.h>

#include "common/json_parse.hpp"
#include "config/loader.hpp"
#include "config/runtime_patch.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using usms::fuzz::require;

const usms::config::loaded& defaults() {
  static const auto loaded = [] {
    auto l = usms::config::load_settings("", {}, {}, {});
    require(l.ok(), "the defaults do not load");
    return *l;
  }();
  return loaded;
}

/// The settings as GET shows them, without the sources.
rapidjson::Document values_of(const usms::config::loaded& l) {
  rapidjson::Document doc;
  require(!usms::parse_json(usms::config::to_json(l), doc),
          "GET /api/v1/config is not JSON");
  doc.RemoveMember("sources");
  return doc;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view body{reinterpret_cast<const char*>(data), size};
  auto patched = usms::config::apply_patch(defaults(), body);
  if (!patched) {
    require(!patched.error().message.empty(), "a failure without a message");
    return 0;
  }
  auto reloaded = usms::config::load_settings("", {}, {}, patched->runtime_json);
  if (!reloaded)
    std::fprintf(stderr, "reload refused: %s\n",
                 reloaded.error().message.c_str());
  require(reloaded.ok(), "the saved runtime values do not load");
  require(values_of(*reloaded) == values_of(patched->updated),
          "the saved runtime values load as other settings");
  return 0;
}
