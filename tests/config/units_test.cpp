#include "config/units.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using usms::config::format_duration;
using usms::config::format_size;
using usms::config::parse_duration;
using usms::config::parse_size;

TEST_CASE("durations parse with one unit", "[config][units]") {
  CHECK(parse_duration("500ms").value() == 500ms);
  CHECK(parse_duration("30s").value() == 30s);
  CHECK(parse_duration("5m").value() == 5min);
  CHECK(parse_duration("4h").value() == 4h);
  CHECK(parse_duration("7d").value() == 7 * 24h);
  CHECK(parse_duration("0").value() == 0ms);
  CHECK(parse_duration("0s").value() == 0ms);
}

TEST_CASE("durations without a unit, fractions or junk are refused",
          "[config][units]") {
  for (auto text : {"30", "", "s", "-5s", "1.5s", "5 s", "5sec", "5M", "5S",
                    " 5s", "5s ", "99999999999999999999d", "200000000000d"}) {
    INFO(text);
    auto d = parse_duration(text);
    REQUIRE_FALSE(d);
    CHECK(d.error().message.find(std::string{"'"} + text + "'")
          != std::string::npos);
  }
  CHECK(parse_duration("30").error().message.find("needs a unit")
        != std::string::npos);
}

TEST_CASE("durations format in the largest exact unit", "[config][units]") {
  CHECK(format_duration(90000ms) == "90s");
  CHECK(format_duration(300000ms) == "5m");
  CHECK(format_duration(1500ms) == "1500ms");
  CHECK(format_duration(0ms) == "0s");
  CHECK(format_duration(24h) == "1d");
  CHECK(format_duration(36h) == "36h");
  CHECK(format_duration(30 * 24h) == "30d");
  for (long long ms : {1LL, 999LL, 1000LL, 61000LL, 3600000LL, 5400000LL,
                       86400000LL * 365, 123456789LL}) {
    auto text = format_duration(std::chrono::milliseconds{ms});
    INFO(text);
    CHECK(parse_duration(text).value().count() == ms);
  }
}

TEST_CASE("sizes parse bytes and binary or decimal units", "[config][units]") {
  CHECK(parse_size("1MiB").value() == 1048576);
  CHECK(parse_size("512KiB").value() == 524288);
  CHECK(parse_size("1048576").value() == 1048576);
  CHECK(parse_size("10MB").value() == 10000000);
  CHECK(parse_size("512B").value() == 512);
  CHECK(parse_size("1 MiB").value() == 1048576);
  CHECK(parse_size("1mib").value() == 1048576);
  CHECK(parse_size("2GiB").value() == 2ull << 30);
  CHECK(parse_size("1TB").value() == 1000000000000ull);
  for (auto text : {"", "MiB", "1.5MiB", "-1", "1XB", "1  MiB", "20000000TiB",
                    "99999999999999999999"}) {
    INFO(text);
    CHECK_FALSE(parse_size(text));
  }
}

TEST_CASE("sizes format in the shortest exact unit", "[config][units]") {
  CHECK(format_size(1048576) == "1MiB");
  CHECK(format_size(10000000) == "10MB");
  CHECK(format_size(1500) == "1500B");
  CHECK(format_size(1000) == "1KB");
  CHECK(format_size(1024) == "1KiB");
  CHECK(format_size(0) == "0B");
  for (std::uint64_t bytes :
       {1ull, 1023ull, 1536ull, 2048000ull, 5ull << 40, 123456789ull}) {
    auto text = format_size(bytes);
    INFO(text);
    CHECK(parse_size(text).value() == bytes);
  }
}
