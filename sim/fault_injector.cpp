#include "sim/fault_injector.hpp"

namespace usms::sim {

fault_injector::fault_injector(fault_settings settings, uint64_t seed)
  : settings_(settings), rng_(seed) {
  update_quiet();
}

void fault_injector::update_quiet() {
  const auto& s = settings_;
  quiet_.store(s.latency_ms <= 0 && s.latency_jitter_ms <= 0
                 && s.server_fault_rate <= 0 && s.unavailable_rate <= 0
                 && s.reset_after_create_rate <= 0
                 && s.hang_after_create_rate <= 0 && s.server_fault_next == 0
                 && s.unavailable_next == 0 && s.reset_after_create_next == 0
                 && s.hang_after_create_next == 0 && !s.down,
               std::memory_order_release);
}

bool fault_injector::chance(double rate) {
  if (rate <= 0)
    return false;
  if (rate >= 1)
    return true;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < rate;
}

std::chrono::microseconds fault_injector::draw_latency() {
  if (quiet_.load(std::memory_order_acquire))
    return std::chrono::microseconds(0);
  std::lock_guard<std::mutex> guard(mtx_);
  double ms = settings_.latency_ms;
  if (settings_.latency_jitter_ms > 0)
    ms += std::uniform_real_distribution<double>(
      0.0, settings_.latency_jitter_ms)(rng_);
  return std::chrono::microseconds(static_cast<int64_t>(ms * 1000.0));
}

pre_fault fault_injector::draw_pre_fault() {
  if (quiet_.load(std::memory_order_acquire))
    return pre_fault::none;
  std::lock_guard<std::mutex> guard(mtx_);
  auto& s = settings_;
  if (s.down) {
    ++counts_.down;
    return pre_fault::down;
  }
  if (s.server_fault_next > 0) {
    --s.server_fault_next;
    update_quiet();
    ++counts_.server_fault;
    return pre_fault::server_fault;
  }
  if (s.unavailable_next > 0) {
    --s.unavailable_next;
    update_quiet();
    ++counts_.unavailable;
    return pre_fault::unavailable;
  }
  if (chance(s.server_fault_rate)) {
    ++counts_.server_fault;
    return pre_fault::server_fault;
  }
  if (chance(s.unavailable_rate)) {
    ++counts_.unavailable;
    return pre_fault::unavailable;
  }
  return pre_fault::none;
}

post_create_fault fault_injector::draw_post_create_fault() {
  if (quiet_.load(std::memory_order_acquire))
    return post_create_fault::none;
  std::lock_guard<std::mutex> guard(mtx_);
  auto& s = settings_;
  if (s.reset_after_create_next > 0) {
    --s.reset_after_create_next;
    update_quiet();
    ++counts_.reset_after_create;
    return post_create_fault::reset;
  }
  if (s.hang_after_create_next > 0) {
    --s.hang_after_create_next;
    update_quiet();
    ++counts_.hang_after_create;
    return post_create_fault::hang;
  }
  if (chance(s.reset_after_create_rate)) {
    ++counts_.reset_after_create;
    return post_create_fault::reset;
  }
  if (chance(s.hang_after_create_rate)) {
    ++counts_.hang_after_create;
    return post_create_fault::hang;
  }
  return post_create_fault::none;
}

fault_settings fault_injector::settings() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return settings_;
}

void fault_injector::set_settings(const fault_settings& settings) {
  std::lock_guard<std::mutex> guard(mtx_);
  settings_ = settings;
  update_quiet();
}

fault_counts fault_injector::counts() const {
  std::lock_guard<std::mutex> guard(mtx_);
  return counts_;
}

void fault_injector::reset_counts() {
  std::lock_guard<std::mutex> guard(mtx_);
  counts_ = fault_counts{};
}

} // namespace usms::sim
