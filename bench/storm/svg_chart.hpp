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

/// A stretch of the x axis shaded behind a chart's lines, or one stretch of
/// a timeline lane.
struct x_band {
  double from = 0, to = 0;
  std::string label; ///< legend of a shade; the state of a timeline stretch
};

/// A line chart as inline SVG; `log_y` plots y on a log10 scale; `shades`
/// are drawn in grey behind the lines, labelled in the legend.
std::string svg_chart(const std::string& title, const std::string& x_label,
                      const std::string& y_label,
                      const std::vector<series>& all, bool log_y = false,
                      const std::vector<x_band>& shades = {});

/// One row of a timeline: its name and its stretches.
struct timeline_lane {
  std::string name;
  std::vector<x_band> stretches;
};

/// Lanes of coloured stretches over a shared x axis from `x0` to `x1`
/// (e.g. the states a service went through), with a legend of `colors`
/// (label, colour); a stretch whose label has no colour is drawn grey.
std::string svg_timeline(const std::string& title, const std::string& x_label,
                         double x0, double x1,
                         const std::vector<timeline_lane>& lanes,
                         const std::vector<std::pair<std::string, std::string>>& colors);

} // namespace usms::bench
