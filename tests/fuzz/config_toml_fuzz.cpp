// The config file loader (TOML → settings) on any bytes: a failure that
// names the problem, never a crash. Settings it loads show as JSON the one
// parser reads, and that JSON sent back as a PUT changes nothing.

#include <sys/mman.h>
#include <unistd.h>

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

/// The loader reads a file: an in-memory one (no disk writes), rewritten
/// each run and opened by its /proc name.
const std::string& toml_path(const std::uint8_t* data, std::size_t size) {
  static const int fd = ::memfd_create("usms-fuzz.toml", 0);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  require(fd >= 0, "no memfd");
  require(::ftruncate(fd, 0) == 0, "ftruncate");
  require(::pwrite(fd, data, size, 0) == static_cast<ssize_t>(size),
          "short write");
  return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  auto loaded = usms::config::load_settings(toml_path(data, size), {}, {}, {});
  if (!loaded) {
    require(!loaded.error().message.empty(), "a failure without a message");
    return 0;
  }
  auto shown = usms::config::to_json(*loaded);
  rapidjson::Document doc;
  require(!usms::parse_json(shown, doc), "GET /api/v1/config is not JSON");
  auto echoed = usms::config::apply_patch(*loaded, shown);
  if (!echoed)
    std::fprintf(stderr, "echo refused: %s\n",
                 echoed.error().message.c_str());
  require(echoed.ok(), "the settings sent back are refused");
  require(echoed->changed_keys.empty(), "the settings sent back change some");
  return 0;
}
