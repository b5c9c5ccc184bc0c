#include <catch2/catch.hpp>

#include "alarms/alarm_key.hpp"

using namespace usms::alarms;

TEST_CASE("alarm keys: 1 to 512 bytes of UTF-8 without control characters",
          "[alarms][keys]") {
  CHECK(check_alarm_key("olt-17/los").empty());
  CHECK(check_alarm_key("k").empty());
  CHECK(check_alarm_key(std::string(512, 'k')).empty());
  CHECK(check_alarm_key("Störung Köln/ü €").empty());
  CHECK(check_alarm_key("") == "key must not be empty");
  CHECK(check_alarm_key(std::string(513, 'k'))
        == "key is longer than 512 bytes");
  for (auto bad :
       {std::string{"a\tb"}, std::string{"a\nb"}, std::string{"a\0b", 3},
        std::string{"a\x7F"
                    "b"},
        std::string{"a\xC2\x85"
                    "b"}})
    CHECK_FALSE(check_alarm_key(bad).empty());
  CHECK(check_alarm_key("a\x01"
                        "b")
            .find("control character")
        != std::string::npos);
  CHECK(check_alarm_key("a\xFF"
                        "b")
            .find("invalid UTF-8")
        != std::string::npos);
  CHECK_FALSE(check_alarm_key("a\xEF\xBF\xBE"
                              "b")
                  .empty()); // U+FFFE
}

TEST_CASE("short_hash: the first 32 hex digits of SHA-256", "[alarms][keys]") {
  CHECK(short_hash("abc") == "ba7816bf8f01cfea414140de5dae2223");
  CHECK(short_hash(std::string(101, 'k'))
        == "dec651a2cfdb388ffb5e01b69d4d7997");
}

TEST_CASE("external references: <key>#<n>, long keys hashed",
          "[alarms][keys]") {
  CHECK(external_reference("olt-17/los", 1) == "olt-17/los#1");
  CHECK(external_reference("olt-17/los", 12) == "olt-17/los#12");
  CHECK(external_reference(std::string(100, 'k'), 3)
        == std::string(100, 'k') + "#3");
  CHECK(external_reference(std::string(101, 'k'), 3)
        == "h:dec651a2cfdb388ffb5e01b69d4d7997#3");
  // Bytes, not characters: 51 two-byte characters are 102 bytes.
  std::string umlauts;
  for (int i = 0; i < 51; ++i)
    umlauts += "\xC3\xBC";
  CHECK(external_reference(umlauts, 1).rfind("h:", 0) == 0);
}

TEST_CASE("Alertmanager keys: am:<id>, hashed when not a valid key",
          "[alarms][keys]") {
  CHECK(alertmanager_key("1a30ba71cca2921f") == "am:1a30ba71cca2921f");
  CHECK(alertmanager_key(std::string(509, 'g'))
        == "am:" + std::string(509, 'g'));
  CHECK(alertmanager_key(std::string(510, 'g'))
        == "am:h:" + short_hash(std::string(510, 'g')));
  CHECK(alertmanager_key("{}:{alertname=\"a\nb\"}")
        == "am:h:" + short_hash("{}:{alertname=\"a\nb\"}"));
  CHECK(alertmanager_key("bad\xFF") == "am:h:" + short_hash("bad\xFF"));
}
