// toml++ 3.3 as Debian builds it, on the code points its header version
// cannot handle: its whitespace lookup reaches __builtin_unreachable for
// U+00A1..U+0499, U+2C5E..U+3057 (but U+3000) and U+FB26..U+FEFE (found by
// the config_toml fuzz target, which compiles the headers with clang). The
// library the gateway links is built by GCC and reads them right; this
// keeps it that way.

#include "config/loader.hpp"

#include "temp_file.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace usms::config;
using usms::config::test::temp_file;

namespace {

std::string utf8(char32_t c) {
  std::string s;
  if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
  } else {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
  }
  s += static_cast<char>(0x80 | (c & 0x3F));
  return s;
}

usms::result<loaded> load(const std::string& toml) {
  temp_file file{toml};
  return load_settings(file.path(), {}, {}, {});
}

} // namespace

TEST_CASE("config files with U+00A1..U+0499, U+2C5E..U+3057 and "
          "U+FB26..U+FEFE load right",
          "[config][loader]") {
  int checked = 0;
  for (char32_t c = 0xA1; c <= 0xFEFE; ++c) {
    if (c == 0x49A)
      c = 0x2C5E;
    if (c == 0x3000) // ideographic space: whitespace to toml++, not text
      continue;
    if (c == 0x3058)
      c = 0xFB26;
    auto ch = utf8(c);
    CAPTURE(static_cast<unsigned>(c));
    // In strings, also right after a line-ending backslash: text.
    auto good = load("[soap]\nusername = \"" + ch + "\"\npassword = \"\"\"x\\\n  "
                     + ch + "\"\"\"\n");
    REQUIRE(good);
    CHECK(good->values.soap.username == ch);
    CHECK(good->values.soap.password == "x" + ch);
    // Outside strings: a parse error naming the file.
    for (auto bad : {"[soap]\nretries = 3 " + ch + "\n", "[" + ch + "]\n",
                     "[soap]\nretries = 3" + ch + "'x'\n"}) {
      auto refused = load(bad);
      REQUIRE_FALSE(refused);
      CHECK(refused.error().code == "config_file");
    }
    ++checked;
  }
  CHECK(checked == (0x499 - 0xA1 + 1) + (0x3057 - 0x2C5E) + (0xFEFE - 0xFB26 + 1));
}
