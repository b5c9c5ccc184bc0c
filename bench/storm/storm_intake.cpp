#include "bench/storm/storm_intake.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <mutex>

namespace usms::bench {

using steady = std::chrono::steady_clock;

int64_t now_sys_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::vector<double> sorted_ack_ms(const std::vector<slot>& slots) {
  std::vector<double> acks;
  acks.reserve(slots.size());
  for (auto& s : slots)
    if (s.state == slot_state::acked)
      acks.push_back(s.ack_ms);
  std::sort(acks.begin(), acks.end());
  return acks;
}

intake_result send_storm(http::client& client,
                         const std::vector<storm_request>& storm,
                         const std::vector<http::outgoing>& calls,
                         int concurrency, steady::time_point start,
                         intake_progress& progress) {
  const size_t n = storm.size();
  intake_result r;
  r.slots.resize(n);
  auto& slots = r.slots;
  std::mutex mtx;
  std::condition_variable cv;
  int in_flight = 0;
  size_t settled = 0; // acked or given up
  std::multimap<steady::time_point, size_t> retry_at;

  auto send = [&](size_t idx) {
    auto req = calls[idx]; // copy: a retry sends the same call again
    auto& sl = slots[idx];
    sl.last_sent = steady::now();
    if (sl.first_sent_sys_us == 0) {
      sl.first_sent_sys_us = now_sys_us();
      ++progress.sent;
    }
    client.send(std::move(req), [&, idx](http::outcome out) {
      auto now = steady::now();
      auto& s = slots[idx];
      bool acked = out.failure == http::failure_kind::none
                   && (out.status == 202 || out.status == 200);
      // 503 (intake full) and refused connections left nothing behind:
      // the client tries again, as a monitoring system would.
      bool again = (out.failure == http::failure_kind::none
                    && out.status == 503)
                   || out.failure == http::failure_kind::connect;
      std::string id;
      if (acked) {
        auto k = out.body.find("\"request_id\":\"");
        if (k != std::string::npos) {
          k += 14;
          id = out.body.substr(k, out.body.find('"', k) - k);
        }
      }
      std::lock_guard<std::mutex> g{mtx};
      --in_flight;
      if (acked) {
        s.state = slot_state::acked;
        s.ack_ms =
          std::chrono::duration<double, std::milli>(now - s.last_sent).count();
        s.request_id = std::move(id);
        r.last_ack_sys_us = now_sys_us();
        ++progress.acked;
        ++settled;
      } else if (again && r.client_retries < 10 * static_cast<int64_t>(n)) {
        ++r.client_retries;
        double delay = 0.1;
        auto ra = out.header("Retry-After");
        if (!ra.empty())
          delay = std::min(1.0, std::max(0.05, std::atof(std::string{ra}.c_str())));
        retry_at.emplace(now + std::chrono::microseconds(
                                 static_cast<int64_t>(delay * 1e6)),
                         idx);
      } else {
        s.state = slot_state::error;
        ++settled;
        ++r.intake_errors;
        std::string why = out.failure == http::failure_kind::none
                            ? "HTTP " + std::to_string(out.status)
                            : out.error;
        if (out.failure == http::failure_kind::none) {
          auto c = out.body.find("\"code\":\"");
          if (c != std::string::npos)
            why += " " + out.body.substr(c + 8, out.body.find('"', c + 8) - c - 8);
        }
        ++r.intake_error_reasons[why];
      }
      cv.notify_all();
    });
  };

  {
    std::unique_lock<std::mutex> lk{mtx};
    size_t next = 0;
    while (settled < n) {
      cv.wait(lk, [&] { return in_flight < concurrency || settled >= n; });
      if (settled >= n)
        break;
      auto now = steady::now();
      size_t idx = n;
      steady::time_point wake = now + std::chrono::milliseconds(50);
      if (!retry_at.empty() && retry_at.begin()->first <= now) {
        idx = retry_at.begin()->second;
        retry_at.erase(retry_at.begin());
      } else if (next < n) {
        auto due = start + std::chrono::microseconds(
                             static_cast<int64_t>(storm[next].at_ms * 1000));
        if (due <= now)
          idx = next++;
        else
          wake = std::min(wake, due);
      }
      if (idx == n) {
        if (!retry_at.empty())
          wake = std::min(wake, retry_at.begin()->first);
        cv.wait_until(lk, wake);
        continue;
      }
      ++in_flight;
      lk.unlock();
      send(idx);
      lk.lock();
    }
  }
  r.acked = progress.acked.load();
  return r;
}

} // namespace usms::bench
