#include "tests/service/prom_text.hpp"

#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

namespace usms::test {

namespace {

bool name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
         || c == ':';
}

bool name_char(char c) {
  return name_start(c) || (c >= '0' && c <= '9');
}

bool valid_metric_name(const std::string& s) {
  if (s.empty() || !name_start(s[0]))
    return false;
  for (char c : s)
    if (!name_char(c))
      return false;
  return true;
}

bool parse_value(const std::string& text, double& out) {
  if (text == "+Inf" || text == "Inf") {
    out = HUGE_VAL;
    return true;
  }
  if (text == "-Inf") {
    out = -HUGE_VAL;
    return true;
  }
  if (text == "NaN") {
    out = NAN;
    return true;
  }
  if (text.empty())
    return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

/// The family a sample belongs to (histogram and summary suffixes folded).
std::string family_of(const std::string& name,
                      const std::map<std::string, std::string>& types) {
  if (types.count(name))
    return name;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    std::string s{suffix};
    if (name.size() > s.size()
        && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      auto base = name.substr(0, name.size() - s.size());
      auto t = types.find(base);
      if (t != types.end()
          && (t->second == "histogram" || t->second == "summary"))
        return base;
    }
  }
  return name;
}

/// Parses `name{labels} value [ts]`; returns an error text or "".
std::string parse_sample(const std::string& line, prom_sample& s) {
  std::size_t i = 0;
  while (i < line.size() && name_char(line[i]))
    ++i;
  s.name = line.substr(0, i);
  if (!valid_metric_name(s.name))
    return "bad metric name";
  if (i < line.size() && line[i] == '{') {
    ++i;
    for (;;) {
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      auto start = i;
      while (i < line.size() && name_char(line[i]) && line[i] != ':')
        ++i;
      auto label = line.substr(start, i - start);
      if (label.empty() || (label[0] >= '0' && label[0] <= '9'))
        return "bad label name";
      if (i >= line.size() || line[i] != '=')
        return "label without '='";
      ++i;
      if (i >= line.size() || line[i] != '"')
        return "label value not quoted";
      ++i;
      std::string value;
      for (;;) {
        if (i >= line.size())
          return "unterminated label value";
        char c = line[i++];
        if (c == '"')
          break;
        if (c == '\\') {
          if (i >= line.size())
            return "bad escape";
          char e = line[i++];
          if (e == 'n')
            value += '\n';
          else if (e == '\\' || e == '"')
            value += e;
          else
            return "bad escape in label value";
        } else {
          value += c;
        }
      }
      if (!s.labels.emplace(label, value).second)
        return "label '" + label + "' twice";
      if (i < line.size() && line[i] == ',') {
        ++i;
        continue;
      }
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      return "expected ',' or '}' after a label";
    }
  }
  if (i >= line.size() || line[i] != ' ')
    return "expected a space before the value";
  std::istringstream rest{line.substr(i)};
  std::string value, ts, extra;
  rest >> value >> ts >> extra;
  if (!parse_value(value, s.value))
    return "bad value '" + value + "'";
  if (!ts.empty()) {
    char* end = nullptr;
    std::strtoll(ts.c_str(), &end, 10);
    if (end != ts.c_str() + ts.size())
      return "bad timestamp '" + ts + "'";
  }
  if (!extra.empty())
    return "trailing text";
  return {};
}

std::string series_key(const prom_sample& s) {
  std::string k = s.name;
  for (auto& [n, v] : s.labels)
    k += "|" + n + "=" + v;
  return k;
}

void check_histograms(prom_text& out) {
  for (auto& [family, type] : out.types) {
    if (type != "histogram")
      continue;
    // Group by the labels other than le.
    std::map<std::string, std::vector<std::pair<double, double>>> buckets;
    std::map<std::string, double> counts;
    for (auto& s : out.samples) {
      auto labels = s.labels;
      double le = 0;
      bool is_bucket = s.name == family + "_bucket";
      if (is_bucket) {
        auto i = labels.find("le");
        if (i == labels.end() || !parse_value(i->second, le)) {
          out.errors.push_back(family + ": a bucket without a valid le");
          continue;
        }
        labels.erase(i);
      }
      prom_sample key{family, labels, 0};
      if (is_bucket)
        buckets[series_key(key)].push_back({le, s.value});
      else if (s.name == family + "_count")
        counts[series_key(key)] = s.value;
    }
    for (auto& [key, list] : buckets) {
      double last_le = -HUGE_VAL, last_v = 0;
      for (auto& [le, v] : list) {
        if (le <= last_le)
          out.errors.push_back(key + ": bucket bounds not increasing");
        if (v < last_v)
          out.errors.push_back(key + ": buckets not cumulative");
        last_le = le;
        last_v = v;
      }
      if (list.empty() || !std::isinf(list.back().first))
        out.errors.push_back(key + ": no +Inf bucket");
      else if (!counts.count(key) || counts[key] != list.back().second)
        out.errors.push_back(key + ": +Inf bucket differs from _count");
    }
  }
}

} // namespace

double prom_text::sum(const std::string& name,
                      const std::map<std::string, std::string>& match) const {
  double total = 0;
  for (auto& s : samples) {
    if (s.name != name)
      continue;
    bool ok = true;
    for (auto& [k, v] : match) {
      auto i = s.labels.find(k);
      ok = ok && i != s.labels.end() && i->second == v;
    }
    if (ok)
      total += s.value;
  }
  return total;
}

bool prom_text::has(const std::string& name,
                    const std::map<std::string, std::string>& match) const {
  for (auto& s : samples) {
    if (s.name != name)
      continue;
    bool ok = true;
    for (auto& [k, v] : match) {
      auto i = s.labels.find(k);
      ok = ok && i != s.labels.end() && i->second == v;
    }
    if (ok)
      return true;
  }
  return false;
}

prom_text parse_prometheus(const std::string& text) {
  prom_text out;
  std::set<std::string> series;
  std::set<std::string> closed_families; // families whose run has ended
  std::string current_family;
  std::istringstream in{text};
  std::string line;
  int n = 0;
  if (!text.empty() && text.back() != '\n')
    out.errors.push_back("the text does not end with a newline");
  while (std::getline(in, line)) {
    ++n;
    auto where = "line " + std::to_string(n) + " '" + line + "': ";
    if (line.empty())
      continue;
    if (line[0] == '#') {
      std::istringstream words{line};
      std::string hash, kind, name;
      words >> hash >> kind >> name;
      if (hash != "#" || (kind != "HELP" && kind != "TYPE"))
        continue; // a plain comment
      if (!valid_metric_name(name)) {
        out.errors.push_back(where + "bad metric name in " + kind);
        continue;
      }
      std::string rest;
      std::getline(words, rest);
      if (!rest.empty() && rest[0] == ' ')
        rest.erase(0, 1);
      if (kind == "HELP") {
        if (!out.help.emplace(name, rest).second)
          out.errors.push_back(where + "second HELP");
      } else {
        static const std::set<std::string> kinds{
          "counter", "gauge", "histogram", "summary", "untyped"};
        if (!kinds.count(rest))
          out.errors.push_back(where + "unknown type '" + rest + "'");
        if (!out.types.emplace(name, rest).second)
          out.errors.push_back(where + "second TYPE");
        if (closed_families.count(name) || current_family == name)
          out.errors.push_back(where + "TYPE after its samples");
      }
      continue;
    }
    prom_sample s;
    if (auto err = parse_sample(line, s); !err.empty()) {
      out.errors.push_back(where + err);
      continue;
    }
    auto family = family_of(s.name, out.types);
    if (!out.types.count(family))
      out.errors.push_back(where + "sample without a TYPE line");
    if (family != current_family) {
      if (closed_families.count(family))
        out.errors.push_back(where + "family " + family
                             + " split into several runs");
      if (!current_family.empty())
        closed_families.insert(current_family);
      current_family = family;
    }
    if (!series.insert(series_key(s)).second)
      out.errors.push_back(where + "series repeated");
    out.samples.push_back(std::move(s));
  }
  check_histograms(out);
  return out;
}

} // namespace usms::test
