#pragma once

#include "caf/actor_system_config.hpp"

namespace usms {

/// The CAF configuration of the gateway: our message types, our error
/// category, and a scheduler sized for a small machine.
struct gateway_system_config : caf::actor_system_config {
  gateway_system_config();
};

} // namespace usms
