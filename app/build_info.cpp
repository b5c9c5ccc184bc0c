#include "app/build_info.hpp"

// app/CMakeLists.txt defines USMS_VERSION for this file alone, so a new
// version rebuilds one file.
#ifndef USMS_VERSION
#error "USMS_VERSION must be defined (the project version)"
#endif

namespace usms::app {

std::string_view gateway_version() {
  return USMS_VERSION;
}

} // namespace usms::app
