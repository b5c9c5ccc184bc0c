#pragma once

/// What this build of the gateway is: the project version it was built
/// from, for `--version`, the start-up log and `usms_gateway_build_info`.

#include <string_view>

namespace usms::app {

/// The project version (CMake's PROJECT_VERSION), e.g. `0.1.0`.
std::string_view gateway_version();

} // namespace usms::app
