#include "alarms/alert_render.hpp"

namespace usms::alarms {

std::string render_template(const std::vector<config::template_part>& parts,
                            const alert_values& labels,
                            const alert_values& annotations) {
  std::string out;
  for (auto& part : parts) {
    if (part.kind == config::template_part_kind::literal) {
      out += part.text;
      continue;
    }
    auto& values
        = part.kind == config::template_part_kind::label ? labels : annotations;
    if (auto i = values.find(part.text); i != values.end())
      out += i->second;
  }
  return out;
}

} // namespace usms::alarms
