#include "config/toml_guard.hpp"

#include "config/loader.hpp"
#include "temp_file.hpp"

#include <catch2/catch.hpp>

using namespace usms::config;

TEST_CASE("TOML text: non-ASCII only in strings and comments",
          "[config][toml_guard]") {
  CHECK_FALSE(check_toml_text(
    "# Stör\xC3\xBCng \xE2\x80\x93 a comment\n"
    "[soap]\n"
    "password = \"p\xC3\xA4ss \\\" still \xC3\xA4\"  # \xC3\xA4\n"
    "user = 'lit\xC3\xA9ral'\n"
    "note = \"\"\"multi \"\" \xC3\xA9\n line\\\n  \xC3\xA9 \"\"\"\"\n"
    "more = '''a '' \xC3\xA9\n'''''\n"
    "empty = \"\"\n"
    "\"qu\xC3\xB6ted key\" = 1\r\n"));
  CHECK_FALSE(check_toml_text("\xEF\xBB\xBF[server]\n")); // a BOM at the start

  for (std::string text : {"[\xC3\xA9]\n", "a = 1 \xC2\xA0\n", "\xC3\xA9 = 1",
                           "a = \"x\"\xC3\xA9", "a = \"open\n\xC3\xA9 = 1",
                           "a = '''x''' \xC3\xA9", "a = \"\"\"x\"\"\"\"\" \xC3\xA9",
                           "# c\n\xE2\x80\x80"}) {
    CAPTURE(text);
    auto bad = check_toml_text(text);
    REQUIRE(bad);
    CHECK(bad->description == "a non-ASCII character outside a string or comment");
  }
  CHECK(check_toml_text("a = 1\n# x\n[\xC3\xA9]")->line == 3);
}

TEST_CASE("TOML text: no control characters but tab, CR and LF",
          "[config][toml_guard]") {
  CHECK_FALSE(check_toml_text("a\t= \"x\ty\"\r\n"));
  for (std::string text :
       std::initializer_list<std::string>{
         std::string("[\0]", 3), std::string("a = \"\0\"", 7), "# \x01",
         "a = '\x1B'", "a = \"\\\x7F\"", "\x0C"}) {
    CAPTURE(text);
    auto bad = check_toml_text(text);
    REQUIRE(bad);
    CHECK(bad->description.find("control character") != std::string::npos);
  }
}

TEST_CASE("the loader refuses such files before toml++ reads them",
          "[config][toml_guard]") {
  usms::config::test::temp_file file{"[server]\n[\xC3\xA9]\n"};
  auto r = load_settings(file.path(), {}, {}, {});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "config_file");
  CHECK(r.error().message.find("line 2: a non-ASCII character") != std::string::npos);
}
