#include "transport/url.hpp"

#include <catch2/catch.hpp>

#include "transport/http_types.hpp"

using namespace usms::http;

TEST_CASE("parse_url applies scheme defaults", "[url]") {
  auto u = parse_url("http://example.com");
  REQUIRE(u);
  CHECK(u->scheme == "http");
  CHECK(u->host == "example.com");
  CHECK(u->port == 80);
  CHECK(u->target == "/");

  auto s = parse_url("HTTPS://Example.COM/usms?x=1#frag");
  REQUIRE(s);
  CHECK(s->scheme == "https");
  CHECK(s->host == "example.com");
  CHECK(s->port == 443);
  CHECK(s->target == "/usms?x=1");
}

TEST_CASE("parse_url reads ports, IPv6 literals and bare queries", "[url]") {
  auto u = parse_url("http://127.0.0.1:8081/usms");
  REQUIRE(u);
  CHECK(u->host == "127.0.0.1");
  CHECK(u->port == 8081);
  CHECK(u->target == "/usms");

  auto v6 = parse_url("https://[::1]:8443/a/b");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 8443);
  CHECK(v6->target == "/a/b");

  auto v6_default = parse_url("http://[fe80::1]");
  REQUIRE(v6_default);
  CHECK(v6_default->host == "fe80::1");
  CHECK(v6_default->port == 80);

  auto q = parse_url("http://h?a=b");
  REQUIRE(q);
  CHECK(q->target == "/?a=b");

  auto empty_port = parse_url("http://h:/x");
  REQUIRE(empty_port);
  CHECK(empty_port->port == 80);
}

TEST_CASE("parse_url rejects what is not an http(s) URL", "[url]") {
  for (const char* bad :
       {"", "ftp://h/", "http://", "http:///x", "http://h:0/", "http://h:65536/",
        "http://h:12a/", "http://[::1/", "http://[]/", "http://[::1]x/",
        "http://user:pw@h/", "http://h h/", "http://h/a b", "h:80/x",
        "//h/x", "http://[zz::1]/"}) {
    INFO(bad);
    CHECK_FALSE(parse_url(bad));
  }
}

TEST_CASE("target_path and parse_query split and decode", "[url]") {
  CHECK(target_path("/tickets/T-1?x=1") == "/tickets/T-1");
  CHECK(target_path("/plain") == "/plain");
  CHECK(target_path("/") == "/");

  auto q = parse_query("/t?a=1&b=hello%20world&c=x+y&flag&&=v&d=%zz");
  REQUIRE(q.size() == 6);
  CHECK(q[0] == std::pair<std::string, std::string>{"a", "1"});
  CHECK(q[1] == std::pair<std::string, std::string>{"b", "hello world"});
  CHECK(q[2] == std::pair<std::string, std::string>{"c", "x y"});
  CHECK(q[3] == std::pair<std::string, std::string>{"flag", ""});
  CHECK(q[4] == std::pair<std::string, std::string>{"", "v"});
  // A bad escape keeps the raw text.
  CHECK(q[5] == std::pair<std::string, std::string>{"d", "%zz"});

  CHECK(parse_query("/no-query").empty());
  CHECK(parse_query("/t?").empty());
  auto k = parse_query("/t?k%3D=v%26w#frag");
  REQUIRE(k.size() == 1);
  CHECK(k[0].first == "k=");
  CHECK(k[0].second == "v&w");
}

TEST_CASE("percent_decode and percent_encode round-trip", "[url]") {
  CHECK(percent_decode("a%2Fb%2fc") == std::optional<std::string>("a/b/c"));
  CHECK(percent_decode("a+b") == std::optional<std::string>("a+b"));
  CHECK(percent_decode("a+b", url_part::query)
        == std::optional<std::string>("a b"));
  CHECK(percent_decode("%") == std::nullopt);
  CHECK(percent_decode("%4") == std::nullopt);
  CHECK(percent_decode("%g1") == std::nullopt);
  CHECK(percent_decode("") == std::optional<std::string>(""));

  CHECK(percent_encode("abc-._~XYZ019") == "abc-._~XYZ019");
  CHECK(percent_encode("a b/c?d=é") == "a%20b%2Fc%3Fd%3D%C3%A9");
  std::string all;
  for (int c = 0; c < 256; ++c)
    all.push_back(static_cast<char>(c));
  CHECK(percent_decode(percent_encode(all)) == std::optional<std::string>(all));
}

TEST_CASE("find_header ignores case", "[url]") {
  header_list headers{{"Content-Type", "text/xml"}, {"X-A", "1"}};
  CHECK(find_header(headers, "content-type") == "text/xml");
  CHECK(find_header(headers, "X-a") == "1");
  CHECK(find_header(headers, "missing").empty());
}
