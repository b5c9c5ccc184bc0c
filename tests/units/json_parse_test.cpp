#include "common/json_parse.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "api/request_validation.hpp"

using namespace usms;

namespace {

std::optional<json_error> parse(std::string_view text) {
  rapidjson::Document doc;
  return parse_json(text, doc);
}

json_problem problem_of(std::string_view text) {
  auto e = parse(text);
  REQUIRE(e);
  return e->problem;
}

std::string arrays(std::size_t levels, std::string_view inside = "") {
  return std::string(levels, '[') + std::string{inside}
         + std::string(levels, ']');
}

std::string objects(std::size_t levels, std::string_view inside = "{}") {
  std::string text{inside};
  for (std::size_t i = 1; i < levels; ++i)
    text = "{\"a\":" + text + "}";
  return text;
}

/// Arrays and objects taking turns, the outermost an array.
std::string mixed(std::size_t levels) {
  std::string text = levels % 2 ? "[]" : "{}";
  for (std::size_t i = levels - 1; i >= 1; --i)
    text = i % 2 ? "[" + text + "]" : "{\"k\":" + text + "}";
  return text;
}

std::string with_fields(std::string_view value) {
  return R"({"fields": {"summary": "x", "category": )" + std::string{value}
         + "}}";
}

const api::api_error* error_of(const api::parsed_request& p) {
  return std::get_if<api::api_error>(&p);
}

} // namespace

TEST_CASE("64 levels of nesting are accepted, 65 are refused") {
  for (auto make : {+[](std::size_t n) { return arrays(n); },
                    +[](std::size_t n) { return objects(n); },
                    +[](std::size_t n) { return mixed(n); },
                    +[](std::size_t n) { return arrays(n, "1"); },
                    +[](std::size_t n) { return objects(n, R"({"s":"x"})"); }}) {
    CAPTURE(make(3));
    CHECK_FALSE(parse(make(64)));
    auto e = parse(make(65));
    REQUIRE(e);
    CHECK(e->problem == json_problem::too_deep);
    CHECK(e->message.find("deeper than 64 levels") != std::string::npos);
  }
  CHECK_FALSE(parse("1"));
  CHECK_FALSE(parse(arrays(1)));
}

TEST_CASE("the depth counts from the top level, inside fields too") {
  // The body is level 1 and fields level 2: 62 more fit.
  CHECK_FALSE(parse(with_fields(arrays(62))));
  CHECK(problem_of(with_fields(arrays(63))) == json_problem::too_deep);
  CHECK(problem_of(with_fields(objects(63))) == json_problem::too_deep);

  // The API: 64 levels reach validation (a category is no array); 65 are
  // malformed JSON.
  auto shallow = api::parse_create("incident", with_fields(arrays(62)), {});
  auto* ok = error_of(shallow);
  REQUIRE(ok);
  CHECK(ok->code == "validation_failed");
  CHECK(ok->field == "fields.category");
  auto too_deep = api::parse_create("incident", with_fields(mixed(63)), {});
  auto* deep = error_of(too_deep);
  REQUIRE(deep);
  CHECK(deep->status == 400);
  CHECK(deep->code == "malformed_json");
  CHECK(deep->message.find("deeper than 64 levels") != std::string::npos);
}

TEST_CASE("a megabyte of brackets is refused without recursing") {
  // The default RapidJSON parser overflows the stack on this.
  CHECK(problem_of(std::string(1 << 20, '[')) == json_problem::too_deep);
  CHECK(problem_of(arrays(500000)) == json_problem::too_deep);
  CHECK(problem_of(std::string(1 << 20, '{')) == json_problem::syntax);
  std::string keyed;
  for (int i = 0; i < 100000; ++i)
    keyed += "{\"a\":";
  CHECK(problem_of(keyed) == json_problem::too_deep);
}

TEST_CASE("an object naming a key twice is refused, wherever it is") {
  for (auto text : {R"({"summary":"x","summary":"y"})",
                    R"({"fields":{"summary":"x","priority":1,"summary":"y"}})",
                    R"([1,{"a":{"b":1,"b":1}}])",
                    R"({"a":1,"\u0061":2})", // the same key once decoded
                    R"({"":1,"":2})"}) {
    CAPTURE(text);
    auto e = parse(text);
    REQUIRE(e);
    CHECK(e->problem == json_problem::duplicate_key);
    CHECK(e->message.find("twice in one object") != std::string::npos);
  }
  CHECK(parse(R"({"summary":"x","summary":"y"})")->message.find("\"summary\"")
        != std::string::npos);
  // The same key in sibling objects, at other levels or after a NUL differs.
  CHECK_FALSE(parse(R"([{"a":1},{"a":2}])"));
  CHECK_FALSE(parse(R"({"a":{"a":{"a":1}},"b":{"a":2}})"));
  CHECK_FALSE(parse(R"({"a\u0000b":1,"a\u0000c":2})"));
  CHECK_FALSE(parse(R"({"a":1,"A":2})"));
}

TEST_CASE("a long repeated key is quoted short and printable") {
  std::string key = "\\u0001" + std::string(100, 'k');
  auto e = parse("{\"" + key + "\":1,\"" + key + "\":2}");
  REQUIRE(e);
  CHECK(e->message.size() < 120);
  CHECK(e->message.find('\x01') == std::string::npos);
  CHECK(e->message.find("?kkk") != std::string::npos);
}

TEST_CASE("one wide object does not slow down the small ones after it") {
  std::string text = "[{";
  for (int i = 0; i < 50000; ++i)
    text += (i ? ",\"" : "\"") + std::to_string(i) + "\":0";
  text += "}";
  for (int i = 0; i < 50000; ++i)
    text += ",{\"a\":1}";
  text += "]";
  rapidjson::Document doc;
  REQUIRE_FALSE(parse_json(text, doc));
  CHECK(doc.Size() == 50001);
  CHECK(doc[0].MemberCount() == 50000);
}

TEST_CASE("text that is not UTF-8 is refused") {
  // Overlong forms, surrogates, past U+10FFFF, cut short, stray bytes.
  for (std::string text : {"\"\xFF\"", "\"\xC0\x80\"", "\"\xC1\xBF\"",
                           "\"\xE0\x80\x80\"", "\"\xF0\x80\x80\x80\"",
                           "\"\xED\xA0\x80\"", "\"\xED\xBF\xBF\"",
                           "\"\xF4\x90\x80\x80\"", "\"\xF5\x80\x80\x80\"",
                           "\"\xC3\"", "\"\xE2\x82\"", "\"\x80\"",
                           "{\"\xFE\":1}"}) {
    CAPTURE(text);
    auto e = parse(text);
    REQUIRE(e);
    CHECK(e->problem == json_problem::not_utf8);
    CHECK(e->message.find("not valid UTF-8") != std::string::npos);
  }
  // Outside strings a stray byte is a syntax error; so is a piece of a
  // byte order mark.
  for (std::string text : {"\xBB[]", "\xEF\xBB[]", "[1,\xC3\xA9]"}) {
    CAPTURE(text);
    CHECK(problem_of(text) == json_problem::syntax);
  }
  CHECK_FALSE(parse("\"\xC3\xA9\""));
}

TEST_CASE("valid UTF-8 and surrogate pairs pass, lone surrogates do not") {
  rapidjson::Document doc;
  REQUIRE_FALSE(parse_json("\"\xC3\xA9 \xE6\xBC\xA2 \xF0\x9F\x98\x80\"", doc));
  REQUIRE_FALSE(parse_json(R"("\uD83D\uDE00")", doc));
  CHECK(std::string{doc.GetString(), doc.GetStringLength()}
        == "\xF0\x9F\x98\x80");
  REQUIRE_FALSE(parse_json(R"("\uFFFF \u00e9")", doc));
  for (auto text : {R"("\uD800")", R"("\uDBFFx")", R"("\uDC00")",
                    R"("a\uDFFFb")", R"({"\uDC00":1})", R"("\uDE00\uD83D")",
                    R"("\uD800\u0041")"}) {
    CAPTURE(text);
    auto e = parse(text);
    REQUIRE(e);
    CHECK(e->problem == json_problem::not_utf8);
    CHECK(e->message.find("lone UTF-16 surrogate") != std::string::npos);
  }
}

TEST_CASE("NUL: escaped it is text, raw it is refused") {
  rapidjson::Document doc;
  REQUIRE_FALSE(parse_json(R"({"s":"a\u0000b"})", doc));
  CHECK(doc["s"].GetStringLength() == 3);
  CHECK(problem_of(std::string("\"a\0b\"", 5)) == json_problem::syntax);
  CHECK(problem_of(std::string("{}\0", 3)) == json_problem::syntax);
  CHECK(problem_of(std::string("{}\0{\"a\":1}", 10)) == json_problem::syntax);
  CHECK(problem_of(std::string("\0", 1)) == json_problem::syntax);
}

TEST_CASE("numbers: no NaN or Infinity, 1e999 refused, tiny ones are 0") {
  for (auto text : {"NaN", "[Infinity]", "-Infinity", "[1e999]", "-1e999",
                    "[01]", "[1.]", "[.5]", "[+1]", "[0x10]"}) {
    CAPTURE(text);
    CHECK(problem_of(text) == json_problem::syntax);
  }
  rapidjson::Document doc;
  REQUIRE_FALSE(parse_json("[1e-999, 18446744073709551616, -9223372036854775808, 2]",
                           doc));
  CHECK(doc[0].GetDouble() == 0.0);
  CHECK(doc[1].IsDouble());
  CHECK(doc[2].IsInt64());
  CHECK(doc[3].IsInt());
}

TEST_CASE("one value and only whitespace around it") {
  for (auto text : {"", "   ", "{} {}", "{}x", "[1]]", "{\"a\":1", "//x\n{}",
                    "{\"a\":1,}", "[1,]", "'a'"}) {
    CAPTURE(text);
    CHECK(problem_of(text) == json_problem::syntax);
  }
  CHECK_FALSE(parse(" \t\r\n{\"a\": [1, 2]} \n"));
  CHECK_FALSE(parse("\xEF\xBB\xBF{}")); // a byte order mark is skipped
  auto e = parse("{\"a\" 1}");
  REQUIRE(e);
  CHECK(e->message.rfind("not valid JSON: ", 0) == 0);
  CHECK(e->offset == 5);
  CHECK(e->message.find("(at byte 5)") != std::string::npos);
}

TEST_CASE("a refused text leaves a null document, a good one its value") {
  rapidjson::Document doc;
  REQUIRE_FALSE(parse_json(R"({"a": [1, "two", null, true, 2.5]})", doc));
  REQUIRE(doc.IsObject());
  CHECK(doc["a"].Size() == 5);
  CHECK(doc["a"][1] == "two");
  CHECK(parse_json(R"({"a":1,"a":2})", doc));
  CHECK(doc.IsNull());
  CHECK(parse_json(arrays(65), doc));
  CHECK(doc.IsNull());
  REQUIRE_FALSE(parse_json("[true]", doc));
  CHECK(doc[0].GetBool());
}
