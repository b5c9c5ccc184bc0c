#pragma once

/// Renders the alertmanager templates (config/alert_template.hpp) against
/// one alert's labels and annotations.

#include <map>
#include <string>
#include <vector>

#include "config/alert_template.hpp"

namespace usms::alarms {

/// An alert's labels or annotations: name → value.
using alert_values = std::map<std::string, std::string>;

/// The template's text with every reference replaced by the value of the
/// label or annotation it names; a name the alert lacks renders empty.
std::string render_template(const std::vector<config::template_part>& parts,
                            const alert_values& labels,
                            const alert_values& annotations);

} // namespace usms::alarms
