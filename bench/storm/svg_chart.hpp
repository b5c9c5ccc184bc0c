#pragma once

/// Pieces of the storm's HTML report: HTML escaping, one number as text,
/// and line charts as inline SVG (the page needs no internet).

#include <string>
#include <utility>
#include <vector>

namespace usms::bench {

/// `v` formatted by `format`, a printf format with one double conversion
/// (`"%.1f"`).
std::string format_number(const char* format, double v);

/// `s` with `<`, `>`, `&` and `"` written as HTML entities.
std::string html_escape(const std::string& s);

/// One line of a chart: its legend, colour and (x, y) points.
struct series {
  std::string name;
  std::string color;
  std::vector<std::pair<double, double>> points;
};

/// A line chart as inline SVG; `log_y` plots y on a log10 scale.
std::string svg_chart(const std::string& title, const std::string& x_label,
                      const std::string& y_label,
                      const std::vector<series>& all, bool log_y = false);

} // namespace usms::bench
