// The offload's CSV writer on any values. With the formula guard off, what
// it writes reads back exactly (by a small RFC 4180 reader below); with the
// guard on, no cell starts like a formula and each reads back as the value,
// with a `'` before those that would. Whole status rows too: header and row
// read back as 14 cells each, and a file from before the last two columns
// (cause, alarm_key) reads, once upgraded, as the same cells with those two
// empty.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "offload/csv_writer.hpp"
#include "offload/file_naming.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using usms::fuzz::require;
using usms::offload::append_field;
using usms::offload::formula_like;
using rows = std::vector<std::vector<std::string>>;

/// RFC 4180: records end in CRLF, fields are split by commas, a quoted field
/// holds anything with `""` for a quote. Strict: anything else fails.
bool read_csv(std::string_view text, rows& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::vector<std::string> record;
    for (;;) {
      std::string field;
      if (i < text.size() && text[i] == '"') {
        ++i;
        for (;;) {
          if (i >= text.size())
            return false;
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          field += text[i++];
        }
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\r'
               && text[i] != '"' && text[i] != '\n')
          field += text[i++];
      }
      record.push_back(std::move(field));
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      if (text.substr(i, 2) == "\r\n") {
        i += 2;
        break;
      }
      return false;
    }
    out.push_back(std::move(record));
  }
  return true;
}

/// The cell a value becomes.
std::string cell_of(const std::string& value, bool guard) {
  return guard && formula_like(value) ? "'" + value : value;
}

/// A status row of fuzzed text; its times are the gateway's own clock
/// readings (from 1970 to 9999), not outside input.
usms::status_row row_of(FuzzedDataProvider& in) {
  constexpr std::int64_t year_9999_ms = 253402300799999;
  usms::status_row row;
  row.row_id = in.ConsumeIntegral<std::int64_t>();
  row.accepted_at = in.ConsumeIntegralInRange<std::int64_t>(0, year_9999_ms);
  row.finished_at = in.ConsumeIntegralInRange<std::int64_t>(0, year_9999_ms);
  row.attempts = in.ConsumeIntegral<std::int32_t>();
  for (auto* text : {&row.request_id, &row.action, &row.type, &row.ticket_id,
                     &row.status, &row.reason, &row.source,
                     &row.correlation_id, &row.cause, &row.alarm_key})
    *text = in.ConsumeRandomLengthString(64);
  return row;
}

void check_status_row(const usms::status_row& row, bool guard) {
  static const auto zone = [] {
    auto z = usms::offload::resolve_zone("Europe/Berlin");
    require(z.ok(), "no time zone data");
    return *z;
  }();
  std::string text = usms::offload::csv_header();
  usms::offload::append_row(text, row, zone, guard);
  rows back;
  require(read_csv(text, back), "a status row is not RFC 4180");
  require(back.size() == 2 && back[0].size() == 14 && back[1].size() == 14,
          "a status row is not one record of 14 cells");
  auto& cells = back[1];
  std::vector<std::string> texts{row.request_id, row.action, row.type,
                                 row.ticket_id,  row.status, row.reason,
                                 row.source,     row.correlation_id,
                                 row.cause,      row.alarm_key};
  std::size_t at[] = {1, 4, 5, 6, 7, 8, 9, 10, 12, 13};
  for (std::size_t k = 0; k < texts.size(); ++k)
    require(cells[at[k]] == cell_of(texts[k], guard),
            "a status row's text reads back different");
  require(cells[0] == cell_of(std::to_string(row.row_id), guard)
            && cells[11] == cell_of(std::to_string(row.attempts), guard),
          "a status row's number reads back different");
  require(cells[2] == usms::offload::iso8601(row.accepted_at, zone),
          "a time reads back different");

  // The same row in a file written before the cause and alarm_key columns.
  auto header = usms::offload::csv_header();
  std::string old = header.substr(0, header.find(",cause")) + "\r\n";
  for (std::size_t c = 0; c < 12; ++c) {
    if (c)
      old += ',';
    usms::offload::append_field(old, back[1][c], false);
  }
  old += "\r\n";
  auto upgraded = usms::offload::upgrade_csv(old);
  require(upgraded.has_value(), "an older header is not recognised");
  rows again;
  require(read_csv(*upgraded, again), "an upgraded file is not RFC 4180");
  auto expected = back[1];
  expected[12].clear();
  expected[13].clear();
  require(again.size() == 2 && again[0] == back[0] && again[1] == expected,
          "an upgraded file reads back different");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  FuzzedDataProvider in{data, size};
  auto row = row_of(in);
  rows values;
  while (in.remaining_bytes() > 0 && values.size() < 16) {
    std::vector<std::string> record;
    auto fields = in.ConsumeIntegralInRange<std::size_t>(1, 12);
    for (std::size_t f = 0; f < fields; ++f)
      record.push_back(in.ConsumeRandomLengthString(64));
    values.push_back(std::move(record));
  }

  for (bool guard : {false, true}) {
    std::string text;
    for (auto& record : values) {
      for (std::size_t f = 0; f < record.size(); ++f) {
        if (f)
          text += ',';
        append_field(text, record[f], guard);
      }
      text += "\r\n";
    }
    rows back;
    require(read_csv(text, back), "the writer's CSV is not RFC 4180");
    require(back.size() == values.size(), "a record was lost or split");
    for (std::size_t r = 0; r < values.size(); ++r) {
      require(back[r].size() == values[r].size(), "a field was lost or split");
      for (std::size_t f = 0; f < values[r].size(); ++f) {
        auto& cell = back[r][f];
        auto& value = values[r][f];
        if (!guard) {
          require(cell == value, "a value reads back different");
          continue;
        }
        require(!formula_like(cell), "a guarded cell starts like a formula");
        require(cell == cell_of(value, true),
                "a guarded value reads back different");
      }
    }
    check_status_row(row, guard);
  }
  return 0;
}
