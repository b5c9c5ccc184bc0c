#pragma once

/// Runs configuration changes one at a time, in the order they came: each
/// reads the settings the one before it left, so two PUT /api/v1/config at
/// once cannot lose either's keys. A job may finish on another thread (it
/// waits for the ops store); it calls done() once it has answered.

#include <deque>
#include <functional>
#include <mutex>

namespace usms::app {

class config_gate {
public:
  /// Runs `job` now, on this thread, when no job is running; else queues it
  /// to run after the jobs before it.
  void run(std::function<void()> job);

  /// Ends the running job and runs the next one waiting, if any, on this
  /// thread.
  void done();

private:
  std::mutex mtx_;
  bool busy_ = false;
  std::deque<std::function<void()>> waiting_;
};

} // namespace usms::app
