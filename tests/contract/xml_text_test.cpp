#include "contract/soap_codec.hpp"

#include <catch2/catch.hpp>

using namespace usms::soap;

TEST_CASE("xml_escape escapes markup and CR") {
  CHECK(xml_escape("a<b>&\"c'\r\n") == "a&lt;b&gt;&amp;&quot;c&apos;&#13;\n");
  CHECK(xml_escape("") == "");
  CHECK(xml_escape("plain") == "plain");
}

TEST_CASE("check_xml_text accepts what XML 1.0 allows") {
  CHECK(check_xml_text("").empty());
  CHECK(check_xml_text("tab\tlf\ncr\r").empty());
  CHECK(check_xml_text("St\xC3\xB6rung \xE9\x9A\x9C \xF0\x9F\x9A\xA8").empty());
  CHECK(check_xml_text("\xEF\xBF\xBD").empty());     // U+FFFD
  CHECK(check_xml_text("\xF4\x8F\xBF\xBF").empty()); // U+10FFFF
}

TEST_CASE("check_xml_text names what is wrong and where") {
  CHECK(check_xml_text(std::string("ab\0c", 4))
        == "control character U+0000 at byte 2, which XML 1.0 does not allow");
  CHECK(check_xml_text("\x1b[0m")
        == "control character U+001B at byte 0, which XML 1.0 does not allow");
  CHECK(check_xml_text("x\xEF\xBF\xBE")
        == "non-character U+FFFE at byte 1, which XML 1.0 does not allow");
  CHECK(check_xml_text("\xEF\xBF\xBF").find("U+FFFF") != std::string::npos);
  CHECK(check_xml_text("\xED\xA0\x80")
        == "surrogate U+D800 at byte 0, which XML 1.0 does not allow");
  CHECK(check_xml_text("abc\xC3") == "invalid UTF-8 at byte 3");
  CHECK(check_xml_text("\xC0\xAF") == "invalid UTF-8 at byte 0"); // overlong
  CHECK(check_xml_text("\xFF") == "invalid UTF-8 at byte 0");
  CHECK(check_xml_text("\xF4\x90\x80\x80") == "invalid UTF-8 at byte 0");
  CHECK(check_xml_text("ok \x80") == "invalid UTF-8 at byte 3");
}
