#include "actors/retry_log.hpp"

#include <spdlog/spdlog.h>

namespace usms {

void retry_log::failed(const std::string& id, const char* what,
                       const std::string& why) {
  if (failures_++ == 0)
    spdlog::error("request {}: {} not journaled, trying again every "
                  "second: {}",
                  id, what, why);
  else
    spdlog::debug("request {}: {} still not journaled: {}", id, what, why);
}

void retry_log::worked(const std::string& id) {
  if (failures_ == 0)
    return;
  spdlog::info("request {}: journaled after {} failed tries", id, failures_);
  failures_ = 0;
}

} // namespace usms
