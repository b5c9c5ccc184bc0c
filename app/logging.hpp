#pragma once

#include <string>

namespace usms::app {

/// Sets up spdlog on stderr: `text` lines, or `json` objects (one per line,
/// message escaped) for log shippers; `level` as spdlog names it. Returns
/// an error message for an unknown level or format.
std::string setup_logging(const std::string& level, const std::string& format);

/// Changes the level at run time.
void set_log_level(const std::string& level);

} // namespace usms::app
