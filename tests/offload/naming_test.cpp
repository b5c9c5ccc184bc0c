#include <catch2/catch.hpp>

#include "offload/csv_writer.hpp"
#include "offload/file_naming.hpp"
#include "tests/offload/offload_fixture.hpp"

using namespace usms;
using namespace usms::offload;
using usms::test::utc;

namespace {

zone_ptr zone(const std::string& name) {
  auto z = resolve_zone(name);
  REQUIRE(z);
  return *z;
}

std::string path_at(const std::string& t, const std::string& z, int hours) {
  return relative_path(window_of(utc(t), zone(z), hours));
}

} // namespace

TEST_CASE("file names for timespans 1, 4 and 24 across hours and days",
          "[offload][naming]") {
  CHECK(path_at("2024-03-30T22:30:00Z", "UTC", 1)
        == "2024_03_30/Offload_22_1h.csv");
  CHECK(path_at("2024-03-30T23:59:59Z", "UTC", 1)
        == "2024_03_30/Offload_23_1h.csv");
  CHECK(path_at("2024-03-31T00:00:00Z", "UTC", 1)
        == "2024_03_31/Offload_00_1h.csv");
  CHECK(path_at("2024-03-30T22:30:00Z", "UTC", 4)
        == "2024_03_30/Offload_20_4h.csv");
  CHECK(path_at("2024-03-30T07:59:59Z", "UTC", 4)
        == "2024_03_30/Offload_04_4h.csv");
  CHECK(path_at("2024-03-30T08:00:00Z", "UTC", 4)
        == "2024_03_30/Offload_08_4h.csv");
  CHECK(path_at("2024-03-31T01:00:00Z", "UTC", 4)
        == "2024_03_31/Offload_00_4h.csv");
  CHECK(path_at("2024-03-30T23:59:59Z", "UTC", 24)
        == "2024_03_30/Offload_00_24h.csv");
  CHECK(path_at("2024-12-31T23:00:00Z", "UTC", 24)
        == "2024_12_31/Offload_00_24h.csv");
  CHECK(path_at("2025-01-01T00:00:00Z", "UTC", 24)
        == "2025_01_01/Offload_00_24h.csv");
  CHECK(path_at("2024-02-29T13:00:00Z", "UTC", 12)
        == "2024_02_29/Offload_12_12h.csv");
}

TEST_CASE("file names follow the offload zone, its day and its clock changes",
          "[offload][naming]") {
  // 22:30 UTC is already the next day in Tokyo (+09:00).
  CHECK(path_at("2024-03-30T22:30:00Z", "Asia/Tokyo", 4)
        == "2024_03_31/Offload_04_4h.csv");
  CHECK(path_at("2024-03-30T22:30:00Z", "America/New_York", 24)
        == "2024_03_30/Offload_00_24h.csv");
  // Berlin springs forward at 01:00 UTC on 2024-03-31: 02:xx never exists.
  CHECK(path_at("2024-03-31T00:30:00Z", "Europe/Berlin", 1)
        == "2024_03_31/Offload_01_1h.csv");
  CHECK(path_at("2024-03-31T01:30:00Z", "Europe/Berlin", 1)
        == "2024_03_31/Offload_03_1h.csv");
  // ... and falls back at 01:00 UTC on 2024-10-27: 02:xx happens twice and
  // both hours share one file.
  CHECK(path_at("2024-10-27T00:30:00Z", "Europe/Berlin", 1)
        == "2024_10_27/Offload_02_1h.csv");
  CHECK(path_at("2024-10-27T01:30:00Z", "Europe/Berlin", 1)
        == "2024_10_27/Offload_02_1h.csv");
  CHECK(path_at("2024-10-27T02:30:00Z", "Europe/Berlin", 1)
        == "2024_10_27/Offload_03_1h.csv");
}

TEST_CASE("unknown zones are refused, empty means the host's zone",
          "[offload][naming]") {
  CHECK_FALSE(resolve_zone("Mars/Olympus_Mons"));
  auto host = resolve_zone("");
  REQUIRE(host);
  CHECK_FALSE(zone_name(*host).empty());
}

TEST_CASE("ISO 8601 times carry milliseconds and the zone's offset",
          "[offload][naming]") {
  auto ms = [](const std::string& t, int extra) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
             utc(t).time_since_epoch())
             .count()
           + extra;
  };
  CHECK(iso8601(ms("2024-03-31T00:59:59Z", 999), zone("Europe/Berlin"))
        == "2024-03-31T01:59:59.999+01:00");
  CHECK(iso8601(ms("2024-03-31T01:00:00Z", 0), zone("Europe/Berlin"))
        == "2024-03-31T03:00:00.000+02:00");
  CHECK(iso8601(ms("2024-03-31T01:00:00Z", 7), zone("UTC"))
        == "2024-03-31T01:00:00.007+00:00");
  CHECK(iso8601(ms("2024-01-01T03:00:00Z", 0), zone("America/St_Johns"))
        == "2023-12-31T23:30:00.000-03:30");
  CHECK(iso8601(0, zone("UTC")) == "1970-01-01T00:00:00.000+00:00");
}

TEST_CASE("the janitor recognises exactly the offload names",
          "[offload][naming]") {
  auto day = parse_day_folder("2024_03_31");
  REQUIRE(day);
  CHECK(day->year == 2024);
  CHECK(day->month == 3u);
  CHECK(day->day == 31u);
  for (auto bad : {"2024_3_31", "2024-03-31", "2024_02_30", "2024_13_01",
                   "x024_03_31", "2024_03_311", ""})
    CHECK_FALSE(parse_day_folder(bad));
  auto w = parse_file_name("Offload_08_4h.csv", *day);
  REQUIRE(w);
  CHECK(w->start_hour == 8);
  CHECK(w->hours == 4);
  CHECK(parse_file_name("Offload_00_24h.csv", *day));
  CHECK(parse_file_name("Offload_23_1h.csv", *day));
  for (auto bad :
       {"Offload_8_4h.csv", "Offload_03_4h.csv", "Offload_00_5h.csv",
        "Offload_00_04h.csv", "Offload_24_1h.csv", "offload_00_4h.csv",
        "Offload_00_4h.csv.bak", "Offload_00_4h.txt", "Offload_00_48h.csv",
        "Offload_00_h.csv"})
    CHECK_FALSE(parse_file_name(bad, *day));
  // A name and its parse agree.
  file_window fw{*day, 20, 4};
  CHECK(parse_file_name(file_name(fw), *day)->start_hour == 20);
}

TEST_CASE("CSV fields: RFC 4180 quoting and the formula guard",
          "[offload][csv]") {
  auto field = [](const std::string& v, bool guard) {
    std::string out;
    append_field(out, v, guard);
    return out;
  };
  CHECK(field("plain", true) == "plain");
  CHECK(field("a,b", false) == "\"a,b\"");
  CHECK(field("say \"hi\"", false) == "\"say \"\"hi\"\"\"");
  CHECK(field("two\nlines", false) == "\"two\nlines\"");
  CHECK(field("cr\rhere", false) == "\"cr\rhere\"");
  CHECK(field("", true) == "");
  for (auto v : {"=1+2", "+49", "-5", "@SUM(A1)", "\tx"}) {
    CHECK(field(v, true) == std::string{"'"} + v);
    CHECK(field(v, false) == v);
  }
  CHECK(field("\rx", true) == "\"'\rx\"");
  CHECK(field("=a,b", true) == "\"'=a,b\"");
  CHECK(field("a=b", true) == "a=b");
  CHECK(csv_header()
        == "row_id,request_id,accepted_at,finished_at,action,type,ticket_id,"
           "status,reason,source,correlation_id,attempts,cause,alarm_key\r\n");
}

TEST_CASE("a CSV row holds every status column in order", "[offload][csv]") {
  status_row r;
  r.row_id = 42;
  r.request_id = "req-1";
  r.accepted_at = 1711846799999; // 2024-03-31T00:59:59.999Z
  r.finished_at = 1711846800000; // 2024-03-31T01:00:00.000Z
  r.action = "create";
  r.type = "incident";
  r.ticket_id = "INC-7";
  r.status = "Failed";
  r.reason = "timeout, 3 tries";
  r.source = "=cmd";
  r.correlation_id = "alarm-1";
  r.attempts = 3;
  r.cause = "alarm_firing";
  r.alarm_key = "olt-17/los";
  std::string out;
  append_row(out, r, zone("Europe/Berlin"), true);
  CHECK(out
        == "42,req-1,2024-03-31T01:59:59.999+01:00,"
           "2024-03-31T03:00:00.000+02:00,create,incident,INC-7,Failed,"
           "\"timeout, 3 tries\",'=cmd,alarm-1,3,alarm_firing,olt-17/los\r\n");
}

TEST_CASE("a file with the older header is read with today's columns",
          "[offload][csv]") {
  std::string old = "row_id,request_id,accepted_at,finished_at,action,type,"
                    "ticket_id,status,reason,source,correlation_id,"
                    "attempts\r\n"
                    "1,r1,a,f,create,incident,INC1,Succeeded,,src,c1,1\r\n"
                    "2,r2,a,f,create,incident,,Failed,\"two\r\nlines, \"\"q\"\"\","
                    "src,c2,3\r\n";
  CHECK_FALSE(has_current_header(old));
  auto upgraded = upgrade_csv(old);
  REQUIRE(upgraded);
  CHECK(has_current_header(*upgraded));
  CHECK(*upgraded
        == csv_header()
             + "1,r1,a,f,create,incident,INC1,Succeeded,,src,c1,1,,\r\n"
               "2,r2,a,f,create,incident,,Failed,\"two\r\nlines, \"\"q\"\"\","
               "src,c2,3,,\r\n");
  // Today's header, or one this build does not know, is not rewritten.
  CHECK_FALSE(upgrade_csv(*upgraded));
  CHECK_FALSE(upgrade_csv("id,name\r\n1,x\r\n"));
  CHECK_FALSE(upgrade_csv("row_id,request_id"));
}
