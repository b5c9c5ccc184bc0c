#pragma once

/// A strict reader of the Prometheus text exposition format (0.0.4), for
/// checking /metrics: every line must be a `# HELP`, a `# TYPE`, another
/// comment, blank, or a sample `name{label="value",...} value [timestamp]`.

#include <map>
#include <string>
#include <vector>

namespace usms::test {

struct prom_sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct prom_text {
  std::vector<prom_sample> samples;
  /// Family name -> counter | gauge | histogram | summary | untyped.
  std::map<std::string, std::string> types;
  std::map<std::string, std::string> help;
  /// What is wrong, one entry per problem ("line 7: ..."); empty when the
  /// text is valid.
  std::vector<std::string> errors;

  /// Sum of the samples named `name` whose labels include all of `match`.
  double sum(const std::string& name,
             const std::map<std::string, std::string>& match = {}) const;
  /// Whether any such sample exists.
  bool has(const std::string& name,
           const std::map<std::string, std::string>& match = {}) const;
};

/// Reads `text`, recording every syntax problem, samples without a
/// preceding `# TYPE`, repeated `# TYPE`s, families split into several
/// runs, repeated series, and histograms whose buckets are not cumulative
/// or whose `+Inf` bucket differs from `_count`.
prom_text parse_prometheus(const std::string& text);

} // namespace usms::test
