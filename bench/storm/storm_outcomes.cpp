#include "bench/storm/storm_outcomes.hpp"

#include <algorithm>
#include <unordered_map>

#include <rapidjson/document.h>

#include "bench/storm/storm_probes.hpp"
#include "common/iso_time.hpp"

namespace usms::bench {

namespace {

/// `finished_at` in microseconds; -1 when it is no ISO 8601 time. The
/// gateway writes milliseconds, so nothing finer is lost.
int64_t finished_us(const char* iso) {
  auto ms = parse_iso8601_ms(iso);
  return ms ? *ms * 1000 : -1;
}

/// The gateway's state of a request it acknowledged, "unknown" when the
/// answer names none.
std::string request_state(http::client& side, const std::string& gateway,
                          const std::string& request_id) {
  auto o = blocking_call(side, "GET",
                         gateway + "/api/v1/requests/" + request_id);
  std::string state = "unknown";
  auto k = o.body.find("\"state\":\"");
  if (k != std::string::npos)
    state = o.body.substr(k + 9, o.body.find('"', k + 9) - k - 9);
  return state;
}

} // namespace

usms::result<std::vector<status_row>>
read_status_rows(http::client& side, const std::string& gateway,
                 const std::vector<slot>& slots) {
  const size_t n = slots.size();
  std::unordered_map<std::string, size_t> by_id;
  by_id.reserve(n);
  for (size_t i = 0; i < n; ++i)
    if (slots[i].state == slot_state::acked)
      by_id.emplace(slots[i].request_id, i);
  std::vector<status_row> rows(n);
  for (int64_t offset = 0;; offset += 1000) {
    auto o = blocking_call(side, "GET",
                           gateway + "/api/v1/status?limit=1000&offset="
                             + std::to_string(offset),
                           {}, std::chrono::seconds(60));
    if (!ok_200(o))
      return failure{"GET /api/v1/status failed: "
                       + (o.error.empty() ? std::to_string(o.status) : o.error),
                     "status"};
    rapidjson::Document d;
    d.Parse(o.body.c_str());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("rows"))
      return failure{"GET /api/v1/status answered no rows", "status"};
    auto& arr = d["rows"];
    for (auto& row : arr.GetArray()) {
      auto it = by_id.find(row["request_id"].GetString());
      if (it == by_id.end())
        continue;
      auto& r = rows[it->second];
      r.found = true;
      r.succeeded = std::string{row["status"].GetString()} == "Succeeded";
      r.finished_us = finished_us(row["finished_at"].GetString());
      if (row.HasMember("reason") && row["reason"].IsString())
        r.reason = row["reason"].GetString();
    }
    if (arr.Size() < 1000)
      break;
  }
  return rows;
}

void tally_outcomes(http::client& side, const std::string& gateway,
                    const std::vector<slot>& slots,
                    const std::vector<status_row>& rows, int64_t start_sys_us,
                    int64_t last_ack_sys_us, run_result& res) {
  int64_t last_finish_us = 0;
  std::vector<double> e2e;
  e2e.reserve(slots.size());
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].state != slot_state::acked)
      continue;
    auto& r = rows[i];
    if (!r.found) {
      ++res.lost;
      if (res.lost_examples.size() < 10)
        res.lost_examples.push_back(
          slots[i].request_id + ": "
          + request_state(side, gateway, slots[i].request_id));
      continue;
    }
    if (r.succeeded) {
      ++res.succeeded;
    } else {
      ++res.failed;
      ++res.failure_reasons[r.reason.empty() ? "(no reason)" : r.reason];
    }
    last_finish_us = std::max(last_finish_us, r.finished_us);
    e2e.push_back(
      std::max(0.0, (r.finished_us - slots[i].first_sent_sys_us) / 1000.0));
  }
  std::sort(e2e.begin(), e2e.end());
  res.e2e_ms = percentiles_of(e2e);
  res.e2e_sorted_ms = std::move(e2e);
  if (last_finish_us > 0) {
    res.drain_seconds = (last_finish_us - start_sys_us) / 1e6;
    res.drain_after_intake_s =
      std::max(0.0, (last_finish_us - last_ack_sys_us) / 1e6);
    res.completed_per_s =
      res.drain_seconds > 0 ? res.succeeded / res.drain_seconds : 0;
  }
}

} // namespace usms::bench
