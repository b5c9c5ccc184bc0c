#include "bench/storm/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace usms::bench {

std::string format_number(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
    case '<': o += "&lt;"; break;
    case '>': o += "&gt;"; break;
    case '&': o += "&amp;"; break;
    case '"': o += "&quot;"; break;
    default: o += c;
    }
  }
  return o;
}

std::string svg_chart(const std::string& title, const std::string& x_label,
                      const std::string& y_label,
                      const std::vector<series>& all, bool log_y,
                      const std::vector<x_band>& shades) {
  const double w = 760, h = 300, left = 70, right = 20, top = 30, bottom = 45;
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  auto ty = [&](double y) { return log_y ? std::log10(std::max(y, 0.01)) : y; };
  for (auto& s : all)
    for (auto& [x, y] : s.points) {
      x0 = std::min(x0, x);
      x1 = std::max(x1, x);
      y0 = std::min(y0, ty(y));
      y1 = std::max(y1, ty(y));
    }
  if (x0 > x1) {
    x0 = 0;
    x1 = 1;
    y0 = 0;
    y1 = 1;
  }
  if (!log_y)
    y0 = std::min(0.0, y0);
  if (x1 == x0)
    x1 = x0 + 1;
  if (y1 == y0)
    y1 = y0 + 1;
  auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * (w - left - right); };
  auto py = [&](double y) {
    return top + (1 - (ty(y) - y0) / (y1 - y0)) * (h - top - bottom);
  };
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='"
    << h << "' font-family='sans-serif' font-size='11'>";
  o << "<text x='" << left << "' y='18' font-size='13' font-weight='bold'>"
    << html_escape(title) << "</text>";
  o << "<rect x='" << left << "' y='" << top << "' width='" << w - left - right
    << "' height='" << h - top - bottom << "' fill='none' stroke='#999'/>";
  for (auto& b : shades) {
    double from = std::clamp(px(b.from), left, w - right);
    double to = std::clamp(px(b.to), left, w - right);
    o << "<rect x='" << format_number("%.1f", from) << "' y='" << top
      << "' width='" << format_number("%.1f", std::max(0.0, to - from))
      << "' height='" << h - top - bottom << "' fill='#000' fill-opacity='0.08'>"
      << "<title>" << html_escape(b.label) << "</title></rect>";
  }
  for (int i = 0; i <= 4; ++i) {
    double fy = y0 + (y1 - y0) * i / 4;
    double yv = log_y ? std::pow(10, fy) : fy;
    double yy = top + (1 - static_cast<double>(i) / 4) * (h - top - bottom);
    o << "<line x1='" << left << "' x2='" << w - right << "' y1='" << yy
      << "' y2='" << yy << "' stroke='#eee'/>";
    o << "<text x='" << left - 5 << "' y='" << yy + 4
      << "' text-anchor='end'>" << format_number(yv >= 100 ? "%.0f" : "%.2g", yv)
      << "</text>";
    double xv = x0 + (x1 - x0) * i / 4;
    o << "<text x='" << px(xv) << "' y='" << h - bottom + 15
      << "' text-anchor='middle'>" << format_number("%.4g", xv) << "</text>";
  }
  o << "<text x='" << (left + w - right) / 2 << "' y='" << h - 8
    << "' text-anchor='middle'>" << html_escape(x_label) << "</text>";
  o << "<text x='14' y='" << (top + h - bottom) / 2
    << "' text-anchor='middle' transform='rotate(-90 14 "
    << (top + h - bottom) / 2 << ")'>" << html_escape(y_label) << "</text>";
  double lx = left + 10;
  for (auto& s : all) {
    o << "<polyline fill='none' stroke='" << s.color
      << "' stroke-width='1.6' points='";
    for (auto& [x, y] : s.points)
      o << format_number("%.1f", px(x)) << ',' << format_number("%.1f", py(y)) << ' ';
    o << "'/>";
    o << "<rect x='" << lx << "' y='" << top + 6 << "' width='10' height='10' fill='"
      << s.color << "'/><text x='" << lx + 14 << "' y='" << top + 15 << "'>"
      << html_escape(s.name) << "</text>";
    lx += 20 + 7 * static_cast<double>(s.name.size());
  }
  for (auto& b : shades) {
    o << "<rect x='" << lx << "' y='" << top + 6
      << "' width='10' height='10' fill='#000' fill-opacity='0.15'/><text x='"
      << lx + 14 << "' y='" << top + 15 << "'>" << html_escape(b.label)
      << "</text>";
    lx += 20 + 7 * static_cast<double>(b.label.size());
  }
  o << "</svg>";
  return o.str();
}

std::string svg_timeline(const std::string& title, const std::string& x_label,
                         double x0, double x1,
                         const std::vector<timeline_lane>& lanes,
                         const std::vector<std::pair<std::string, std::string>>& colors) {
  const double w = 760, left = 130, right = 20, top = 50, lane_h = 26,
               bottom = 40;
  const double h = top + lane_h * static_cast<double>(lanes.size()) + bottom;
  if (x1 <= x0)
    x1 = x0 + 1;
  auto px = [&](double x) {
    return left + (std::clamp(x, x0, x1) - x0) / (x1 - x0) * (w - left - right);
  };
  auto color_of = [&](const std::string& label) {
    for (auto& [name, c] : colors)
      if (name == label)
        return c;
    return std::string{"#bbb"};
  };
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='"
    << h << "' font-family='sans-serif' font-size='11'>";
  o << "<text x='" << left << "' y='18' font-size='13' font-weight='bold'>"
    << html_escape(title) << "</text>";
  double lx = left;
  for (auto& [name, c] : colors) {
    o << "<rect x='" << lx << "' y='26' width='10' height='10' fill='" << c
      << "'/><text x='" << lx + 14 << "' y='35'>" << html_escape(name)
      << "</text>";
    lx += 24 + 7 * static_cast<double>(name.size());
  }
  for (size_t i = 0; i < lanes.size(); ++i) {
    double y = top + lane_h * static_cast<double>(i);
    o << "<text x='" << left - 6 << "' y='" << y + lane_h / 2 + 4
      << "' text-anchor='end'>" << html_escape(lanes[i].name) << "</text>";
    for (auto& s : lanes[i].stretches)
      o << "<rect x='" << format_number("%.1f", px(s.from)) << "' y='" << y + 3
        << "' width='" << format_number("%.1f", std::max(0.5, px(s.to) - px(s.from)))
        << "' height='" << lane_h - 6 << "' fill='" << color_of(s.label)
        << "'><title>" << html_escape(s.label) << format_number(" %.1f", s.from)
        << format_number("-%.1f s", s.to) << "</title></rect>";
  }
  double axis = top + lane_h * static_cast<double>(lanes.size());
  o << "<line x1='" << left << "' x2='" << w - right << "' y1='" << axis
    << "' y2='" << axis << "' stroke='#999'/>";
  for (int i = 0; i <= 4; ++i) {
    double xv = x0 + (x1 - x0) * i / 4;
    o << "<text x='" << px(xv) << "' y='" << axis + 15
      << "' text-anchor='middle'>" << format_number("%.4g", xv) << "</text>";
  }
  o << "<text x='" << (left + w - right) / 2 << "' y='" << h - 8
    << "' text-anchor='middle'>" << html_escape(x_label) << "</text>";
  o << "</svg>";
  return o.str();
}

} // namespace usms::bench
