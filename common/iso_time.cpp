#include "common/iso_time.hpp"

#include <cstdio>

namespace usms {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

namespace {

/// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size())
    return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9')
      return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool take(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c)
    return false;
  ++pos;
  return true;
}

} // namespace

std::optional<int64_t> parse_iso8601_ms(std::string_view s) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, pos, 4, year) || !take(s, pos, '-')
      || !digits(s, pos, 2, month) || !take(s, pos, '-')
      || !digits(s, pos, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31)
    return std::nullopt;
  int64_t millis = 0;
  int64_t offset_min = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')
      return std::nullopt;
    ++pos;
    if (!digits(s, pos, 2, hour) || !take(s, pos, ':')
        || !digits(s, pos, 2, minute))
      return std::nullopt;
    if (take(s, pos, ':')) {
      if (!digits(s, pos, 2, second))
        return std::nullopt;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        int64_t scale = 100;
        std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          millis += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start)
          return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 60)
      return std::nullopt;
    if (pos < s.size()) {
      char sign = s[pos++];
      if (sign == 'Z' || sign == 'z') {
        // UTC
      } else if (sign == '+' || sign == '-' || sign == ' ') {
        // A space is a '+' that a query string decoded (`+01:00`).
        int oh = 0, om = 0;
        if (!digits(s, pos, 2, oh))
          return std::nullopt;
        take(s, pos, ':');
        if (!digits(s, pos, 2, om) || oh > 23 || om > 59)
          return std::nullopt;
        offset_min = (oh * 60 + om) * (sign == '-' ? -1 : 1);
      } else {
        return std::nullopt;
      }
    }
  }
  if (pos != s.size())
    return std::nullopt;
  auto days = days_from_civil(year, static_cast<unsigned>(month),
                              static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second
                 - offset_min * 60;
  return secs * 1000 + millis;
}

namespace {

std::string format(int64_t epoch_ms, bool with_millis) {
  int64_t secs = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
  auto ms = static_cast<int>(epoch_ms - secs * 1000);
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  auto rem = static_cast<int>(secs - days * 86400);
  int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  if (y < 0 || y > 9999) {
    char buf[48];
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<long long>(y), m, d, rem / 3600, rem / 60 % 60,
                  rem % 60, ms);
    std::string out{buf};
    if (!with_millis)
      out.erase(out.size() - 5, 4);
    return out;
  }
  // Written digit by digit: the simulator formats two times for every ticket
  // it returns and the API one or more per record, and snprintf costs about
  // five times as much.
  char buf[24];
  auto put = [&buf](int at, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      buf[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, y, 4);
  buf[4] = '-';
  put(5, m, 2);
  buf[7] = '-';
  put(8, d, 2);
  buf[10] = 'T';
  put(11, rem / 3600, 2);
  buf[13] = ':';
  put(14, rem / 60 % 60, 2);
  buf[16] = ':';
  put(17, rem % 60, 2);
  if (!with_millis) {
    buf[19] = 'Z';
    return std::string(buf, 20);
  }
  buf[19] = '.';
  put(20, ms, 3);
  buf[23] = 'Z';
  return std::string(buf, 24);
}

} // namespace

std::string format_iso8601_utc_ms(int64_t epoch_ms) {
  return format(epoch_ms, true);
}

std::string format_iso8601_utc(int64_t epoch_ms) {
  return format(epoch_ms, false);
}

} // namespace usms
