#include "bench/storm/usms_outage.hpp"

#include <signal.h>

#include "bench/storm/storm_intake.hpp"
#include "bench/storm/storm_probes.hpp"

namespace usms::bench {

using steady = std::chrono::steady_clock;

namespace {

void put_down(http::client& side, const std::string& sim, bool down) {
  blocking_call(side, "PUT", sim + "/admin/faults",
                down ? R"({"down": true})" : R"({"down": false})",
                std::chrono::seconds(10));
}

double since(steady::time_point start) {
  return std::chrono::duration<double>(steady::now() - start).count();
}

} // namespace

usms_outage::usms_outage(http::client& side, std::string sim,
                         std::string gateway, const outage_options& opt,
                         steady::time_point start)
  : side_{side},
    sim_{std::move(sim)},
    gateway_{std::move(gateway)},
    opt_{opt},
    start_{start},
    over_{opt.down_at_s < 0},
    thread_{} {
  if (!over_)
    thread_ = std::thread{[this] { run(); }};
}

usms_outage::~usms_outage() { finish(); }

bool usms_outage::over() const {
  std::lock_guard<std::mutex> g{mtx_};
  return over_;
}

outage_figures usms_outage::finish() {
  {
    std::lock_guard<std::mutex> g{mtx_};
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
  std::lock_guard<std::mutex> g{mtx_};
  return fig_;
}

gateway_counters usms_outage::gateway_soap() {
  auto m = blocking_call(side_, "GET", gateway_ + "/metrics", {},
                         std::chrono::seconds(10));
  return ok_200(m) ? parse_metrics(m.body) : gateway_counters{};
}

void usms_outage::run() {
  auto at = [&](double s) {
    return start_ + std::chrono::microseconds(static_cast<int64_t>(s * 1e6));
  };
  {
    std::unique_lock<std::mutex> g{mtx_};
    if (wake_.wait_until(g, at(opt_.down_at_s), [&] { return stop_; })) {
      over_ = true; // cut short before it began
      return;
    }
  }
  go_away();
  {
    std::unique_lock<std::mutex> g{mtx_};
    wake_.wait_until(g, at(opt_.down_at_s + opt_.down_for_s),
                     [&] { return stop_; });
  }
  come_back();
}

void usms_outage::go_away() {
  sim_before_ok_ = opt_.freeze_pid <= 0 && sim_calls(side_, sim_, sim_before_);
  gateway_before_ = gateway_soap();
  if (opt_.freeze_pid > 0)
    kill(opt_.freeze_pid, SIGSTOP);
  else
    put_down(side_, sim_, true);
  std::lock_guard<std::mutex> g{mtx_};
  fig_.happened = true;
  fig_.mode = opt_.freeze_pid > 0 ? "freeze" : "down";
  fig_.down_at_s = since(start_);
}

void usms_outage::come_back() {
  auto gateway_after = gateway_soap();
  sim_call_counts after;
  bool counted = false;
  if (opt_.freeze_pid > 0) {
    kill(opt_.freeze_pid, SIGCONT);
  } else {
    // Counted while still down: every call in the window got the fault.
    counted = sim_before_ok_ && sim_calls(side_, sim_, after);
    put_down(side_, sim_, false);
  }
  std::lock_guard<std::mutex> g{mtx_};
  fig_.up_at_s = since(start_);
  fig_.up_sys_us = now_sys_us();
  if (counted) {
    fig_.sim_calls = after.calls - sim_before_.calls;
    fig_.sim_down_faults = after.down_faults - sim_before_.down_faults;
  }
  if (gateway_before_.ok && gateway_after.ok)
    fig_.gateway_soap_calls = gateway_after.soap_calls - gateway_before_.soap_calls
                              + gateway_after.soap_in_flight
                              - gateway_before_.soap_in_flight;
  over_ = true;
}

} // namespace usms::bench
