#pragma once

/// Pieces of the Prometheus text format (version 0.0.4) shared by the
/// renderers of the gateway's series.

#include <string>
#include <string_view>

namespace usms::prom {

/// Appends the `# HELP` and `# TYPE` lines of a family.
void header(std::string& out, const char* name, const char* type,
            const char* help);

/// `value` as a label value: backslash, double quote and newline escaped.
std::string label_value(std::string_view value);

/// Appends one sample line `name{labels} value`; `labels` may be empty.
template <class T>
void sample(std::string& out, const std::string& name,
            const std::string& labels, T value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

/// A family of one unlabelled sample: its `# HELP`, `# TYPE` and value.
template <class T>
void single(std::string& out, const char* name, const char* type,
            const char* help, T value) {
  header(out, name, type, help);
  sample(out, name, "", value);
}

} // namespace usms::prom
