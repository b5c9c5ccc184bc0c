#include "bench/storm/storm_report.hpp"

#include "bench/storm/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace usms::bench {

namespace {

using json_writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void str(json_writer& w, const char* k, const std::string& v) {
  w.Key(k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

void num(json_writer& w, const char* k, double v) {
  w.Key(k);
  w.Double(std::round(v * 1000) / 1000);
}

void integer(json_writer& w, const char* k, long long v) {
  w.Key(k);
  w.Int64(v);
}

/// `{"reason": count, ...}`
void counts(json_writer& w, const char* k,
            const std::map<std::string, int64_t>& by_reason) {
  w.Key(k);
  w.StartObject();
  for (auto& [reason, n] : by_reason)
    integer(w, reason.c_str(), n);
  w.EndObject();
}

void pct(json_writer& w, const char* k, const percentiles& p) {
  w.Key(k);
  w.StartObject();
  num(w, "p50", p.p50);
  num(w, "p90", p.p90);
  num(w, "p99", p.p99);
  num(w, "max", p.max);
  integer(w, "count", static_cast<long long>(p.count));
  w.EndObject();
}

/// Rates of a cumulative counter over a sliding window of about a second
/// (samples come every 250 ms; a single slow /metrics answer would
/// otherwise show as a dip to zero and a spike).
std::vector<std::pair<double, double>>
rates(const std::vector<sample>& s, int64_t sample::*field) {
  std::vector<std::pair<double, double>> out;
  size_t j = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    while (j + 1 < i && s[i].t - s[j + 1].t >= 1.0)
      ++j;
    double dt = s[i].t - s[j].t;
    if (dt > 0)
      out.emplace_back(s[i].t, (s[i].*field - s[j].*field) / dt);
  }
  return out;
}

/// Latency by percentile, at most ~400 points.
std::vector<std::pair<double, double>> by_percentile(const std::vector<double>& v) {
  std::vector<std::pair<double, double>> out;
  if (v.empty())
    return out;
  for (int i = 0; i <= 400; ++i) {
    double q = i / 400.0;
    // Denser near the tail: q' = 1 - (1-q)^2.
    double qq = 1 - (1 - q) * (1 - q);
    auto idx = std::min(v.size() - 1,
                        static_cast<size_t>(qq * static_cast<double>(v.size() - 1)));
    out.emplace_back(qq * 100, v[idx]);
  }
  return out;
}

/// Stretches of time in one USMS state, as the samples saw them.
std::vector<x_band> state_stretches(const std::vector<sample>& s) {
  std::vector<x_band> out;
  double prev_t = 0;
  for (auto& x : s) {
    std::string st = x.usms_state.empty() ? "unknown" : x.usms_state;
    if (out.empty() || out.back().label != st)
      out.push_back({prev_t, x.t, st});
    else
      out.back().to = x.t;
    prev_t = x.t;
  }
  return out;
}

/// A count that may be unknown (-1).
std::string count_or_unknown(int64_t n) {
  return n < 0 ? std::string{"unknown"} : std::to_string(n);
}

std::string seconds_or_not(double s, const char* not_reached) {
  return s < 0 ? std::string{not_reached} : format_number("%.2f s", s);
}

/// A count, or null when it is unknown (-1).
void count_or_null(json_writer& w, const char* k, int64_t n) {
  w.Key(k);
  if (n < 0)
    w.Null();
  else
    w.Int64(n);
}

void outage_json(json_writer& w, const run_result& r) {
  w.Key("usms_outage");
  if (!r.outage.happened) {
    w.Null();
    return;
  }
  auto& o = r.outage;
  w.StartObject();
  str(w, "mode", o.mode);
  num(w, "down_at_s", o.down_at_s);
  num(w, "up_at_s", o.up_at_s);
  num(w, "seconds", o.up_at_s - o.down_at_s);
  count_or_null(w, "sim_calls_during", o.sim_calls);
  count_or_null(w, "sim_down_faults_during", o.sim_down_faults);
  count_or_null(w, "gateway_soap_calls_sent_during", o.gateway_soap_calls);
  w.Key("backlog_cleared_after_recovery_s");
  if (r.caught_up_after_outage_s < 0)
    w.Null();
  else
    w.Double(std::round(r.caught_up_after_outage_s * 1000) / 1000);
  w.Key("last_finish_after_recovery_s");
  if (r.last_finish_after_outage_s < 0)
    w.Null();
  else
    w.Double(std::round(r.last_finish_after_outage_s * 1000) / 1000);
  w.EndObject();
}

std::string ratio(double gw, double peer) {
  return peer > 0 ? format_number("%.2fx", gw / peer) : "-";
}

} // namespace

std::string report_json(const run_result& r, const run_meta& meta,
                        const std::vector<peer_figures>& peers) {
  rapidjson::StringBuffer sb;
  json_writer w{sb};
  w.SetIndent(' ', 2);
  w.StartObject();
  str(w, "started_at", r.started_at);
  str(w, "storm", meta.storm);
  str(w, "command", meta.command);
  str(w, "machine", meta.machine);
  integer(w, "requests", r.requests);
  integer(w, "accepted", r.acked);
  integer(w, "intake_errors", r.intake_errors);
  counts(w, "intake_error_reasons", r.intake_error_reasons);
  integer(w, "client_retries", r.client_retries);
  num(w, "intake_seconds", r.intake_seconds);
  num(w, "accepted_per_s", r.accepted_per_s);
  w.Key("drained");
  w.Bool(r.drained);
  num(w, "drain_seconds", r.drain_seconds);
  num(w, "drain_after_intake_seconds", r.drain_after_intake_s);
  integer(w, "succeeded", r.succeeded);
  integer(w, "failed", r.failed);
  counts(w, "failure_reasons", r.failure_reasons);
  num(w, "completed_per_s", r.completed_per_s);
  integer(w, "lost", r.lost);
  w.Key("lost_examples");
  w.StartArray();
  for (auto& e : r.lost_examples)
    w.String(e.c_str());
  w.EndArray();
  w.Key("created");
  if (r.duplicates_checked)
    w.Int64(r.created);
  else
    w.Null();
  w.Key("duplicated");
  if (r.duplicates_checked)
    w.Int64(r.duplicated);
  else
    w.Null();
  integer(w, "missing_in_usms", r.missing_in_usms);
  integer(w, "gateway_retries", r.gateway_retries);
  integer(w, "gateway_lookups", r.gateway_lookups);
  integer(w, "peak_queue_depth", r.peak_queue_depth);
  integer(w, "peak_held", r.peak_held);
  outage_json(w, r);
  integer(w, "gateway_pid", r.gateway_pid);
  integer(w, "gateway_rss_before_kb", r.rss_before_kb);
  integer(w, "gateway_rss_after_intake_kb", r.rss_after_intake_kb);
  integer(w, "gateway_peak_rss_kb", r.peak_rss_kb);
  num(w, "gateway_cpu_seconds", r.cpu_seconds);
  pct(w, "ack_latency_ms", r.ack_ms);
  pct(w, "e2e_latency_ms", r.e2e_ms);
  w.Key("peers");
  w.StartArray();
  for (auto& p : peers) {
    w.StartObject();
    str(w, "name", p.name);
    integer(w, "completed", p.completed);
    num(w, "seconds", p.seconds);
    num(w, "per_second", p.per_second);
    integer(w, "concurrency", p.concurrency);
    integer(w, "errors", p.errors);
    str(w, "note", p.note);
    w.Key("gateway_ratio");
    if (p.per_second > 0)
      w.Double(std::round(r.completed_per_s / p.per_second * 1000) / 1000);
    else
      w.Null();
    w.EndObject();
  }
  w.EndArray();
  w.Key("samples");
  w.StartArray();
  for (auto& s : r.samples) {
    w.SetFormatOptions(rapidjson::kFormatSingleLineArray);
    w.StartArray();
    w.Double(std::round(s.t * 1000) / 1000);
    w.Int64(s.sent);
    w.Int64(s.acked);
    w.Int64(s.finished);
    w.Int64(s.queue_depth);
    w.Int64(s.rss_kb);
    w.Double(std::round(s.cpu_s * 100) / 100);
    w.Int64(s.held);
    w.Int64(s.soap_calls);
    w.String(s.usms_state.c_str());
    w.EndArray();
  }
  w.EndArray();
  str(w, "samples_columns",
      "t_s, sent, accepted, finished, queue_depth, rss_kb, cpu_s, held, "
      "soap_calls, usms_state");
  w.EndObject();
  return {sb.GetString(), sb.GetSize()} ;
}

std::string report_table(const run_result& r, const run_meta& meta,
                         const std::vector<peer_figures>& peers) {
  std::ostringstream o;
  auto row = [&](const std::string& k, const std::string& v) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-34s %s\n", k.c_str(), v.c_str());
    o << buf;
  };
  auto lat = [&](const percentiles& p) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "p50 %.1f  p90 %.1f  p99 %.1f  max %.1f ms",
                  p.p50, p.p90, p.p99, p.max);
    return std::string{buf};
  };
  o << "storm " << meta.storm << " (started " << r.started_at << ")\n";
  if (!meta.machine.empty())
    o << "machine " << meta.machine << "\n";
  row("requests", std::to_string(r.requests));
  row("accepted", std::to_string(r.acked) + " in " + format_number("%.2f s", r.intake_seconds));
  row("accepted/s", format_number("%.0f", r.accepted_per_s));
  row("intake errors", std::to_string(r.intake_errors));
  for (auto& [k, v] : r.intake_error_reasons)
    row("  " + k, std::to_string(v));
  row("client retries (503/connect)", std::to_string(r.client_retries));
  row("ack latency", lat(r.ack_ms));
  if (r.e2e_ms.count > 0 || r.drained) {
    row("succeeded / failed", std::to_string(r.succeeded) + " / " + std::to_string(r.failed));
    for (auto& [k, v] : r.failure_reasons)
      row("  " + k, std::to_string(v));
    row("tickets completed/s", format_number("%.0f", r.completed_per_s));
    row("queue drained", r.drained ? format_number("%.2f s after start", r.drain_seconds)
                                        + format_number(" (%.2f s after the last ack)", r.drain_after_intake_s)
                                   : std::string{"NO (timeout)"});
    row("end-to-end latency", lat(r.e2e_ms));
    row("gateway retries / lookups", std::to_string(r.gateway_retries) + " / "
                                       + std::to_string(r.gateway_lookups));
    row("lost", std::to_string(r.lost));
    for (auto& e : r.lost_examples)
      row("  e.g.", e);
    row("created in USMS", r.duplicates_checked ? std::to_string(r.created) : "not checked");
    row("duplicated", r.duplicates_checked ? std::to_string(r.duplicated) : "not checked");
    row("succeeded but not in USMS", std::to_string(r.missing_in_usms));
  }
  row("peak queue depth", std::to_string(r.peak_queue_depth));
  row("peak held (USMS away)", std::to_string(r.peak_held));
  if (r.outage.happened) {
    auto& u = r.outage;
    row("USMS outage", (u.mode == "freeze" ? "frozen (SIGSTOP) " : "down (UNAVAILABLE) ")
                         + format_number("%.1f s", u.down_at_s)
                         + format_number(" .. %.1f s", u.up_at_s)
                         + format_number(" (%.1f s)", u.up_at_s - u.down_at_s));
    row("SOAP calls during the outage",
        "the gateway sent " + count_or_unknown(u.gateway_soap_calls)
          + (u.sim_calls >= 0 ? ", USMS received " + std::to_string(u.sim_calls) + " ("
                                  + std::to_string(u.sim_down_faults) + " answered UNAVAILABLE)"
                              : std::string{}));
    row("backlog cleared after recovery", seconds_or_not(r.caught_up_after_outage_s, "not reached"));
    row("last finished after recovery", seconds_or_not(r.last_finish_after_outage_s, "unknown"));
  }
  if (r.gateway_pid > 0) {
    row("gateway RSS before / peak", format_number("%.1f", r.rss_before_kb / 1024.0) + " / "
                                        + format_number("%.1f MiB", r.peak_rss_kb / 1024.0));
    row("gateway CPU", format_number("%.2f s", r.cpu_seconds));
  } else {
    row("gateway RSS / CPU", "unknown (no single usms-gateway; pass --gateway-pid)");
  }
  if (!peers.empty()) {
    o << "\n  " << "completed/s by way of calling USMS:\n";
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-40s %12s %8s %12s\n", "who", "completed/s",
                  "conc.", "gateway is");
    o << buf;
    std::snprintf(buf, sizeof buf, "  %-40s %12.0f %8s %12s\n", "usms-gateway",
                  r.completed_per_s, "-", "1.00x");
    o << buf;
    for (auto& p : peers) {
      std::snprintf(buf, sizeof buf, "  %-40s %12.0f %8d %12s\n", p.name.c_str(),
                    p.per_second, p.concurrency,
                    ratio(r.completed_per_s, p.per_second).c_str());
      o << buf;
    }
  }
  return o.str();
}

std::string report_html(const run_result& r, const run_meta& meta,
                        const std::vector<peer_figures>& peers) {
  std::ostringstream o;
  o << "<!doctype html><html><head><meta charset='utf-8'><title>usms-storm "
    << html_escape(r.started_at) << "</title><style>"
    << "body{font-family:sans-serif;margin:24px;color:#222}"
    << "table{border-collapse:collapse;margin:8px 0 20px}"
    << "td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}"
    << "td:first-child,th:first-child{text-align:left}"
    << ".bad{color:#b00;font-weight:bold}.good{color:#070;font-weight:bold}"
    << "pre{background:#f6f6f6;padding:8px}</style></head><body>";
  o << "<h1>usms-storm report</h1><p>Storm: " << html_escape(meta.storm)
    << "<br>Started: " << html_escape(r.started_at)
    << "<br>Machine: " << html_escape(meta.machine)
    << "<br>Command: <code>" << html_escape(meta.command) << "</code></p>";
  // Through an outage every request is meant to succeed: failures count.
  bool clean = r.lost == 0 && r.duplicated == 0 && r.missing_in_usms == 0
               && (!r.outage.happened || r.failed == 0);
  o << "<p class='" << (clean ? "good" : "bad") << "'>lost " << r.lost
    << ", duplicated " << (r.duplicates_checked ? std::to_string(r.duplicated) : "not checked")
    << ", failed " << r.failed << "</p>";
  o << "<h2>Figures</h2><pre>" << html_escape(report_table(r, meta, peers))
    << "</pre>";
  std::vector<series> tp{{"accepted/s", "#1f77b4", rates(r.samples, &sample::acked)},
                         {"finished/s", "#d62728", rates(r.samples, &sample::finished)}};
  o << svg_chart("Throughput over time", "seconds since the start", "requests/s", tp);
  std::vector<series> q{{"queue depth", "#9467bd", {}}, {"held for USMS", "#ff7f0e", {}}};
  std::vector<series> mem{{"gateway RSS (MiB)", "#2ca02c", {}}};
  for (auto& s : r.samples) {
    q[0].points.emplace_back(s.t, static_cast<double>(s.queue_depth));
    q[1].points.emplace_back(s.t, static_cast<double>(s.held));
    mem[0].points.emplace_back(s.t, s.rss_kb / 1024.0);
  }
  std::vector<x_band> away;
  if (r.outage.happened)
    away.push_back({r.outage.down_at_s, r.outage.up_at_s,
                    r.outage.mode == "freeze" ? "USMS frozen" : "USMS down"});
  o << "<br>" << svg_chart("Gateway backlog", "seconds since the start", "requests", q,
                           false, away);
  if (!r.samples.empty()) {
    std::vector<timeline_lane> lanes{{"gateway's view", state_stretches(r.samples)}};
    if (r.outage.happened)
      lanes.push_back({"simulator", {{0, r.outage.down_at_s, "up"},
                                     {r.outage.down_at_s, r.outage.up_at_s, "down"},
                                     {r.outage.up_at_s, r.samples.back().t, "up"}}});
    o << "<br>" << svg_timeline("USMS state over time", "seconds since the start", 0,
                                r.samples.back().t, lanes,
                                {{"up", "#2ca02c"}, {"ramping", "#bcbd22"},
                                 {"probing", "#ff7f0e"}, {"down", "#d62728"},
                                 {"paused", "#1f77b4"}, {"auth_failed", "#9467bd"},
                                 {"unknown", "#bbb"}});
    std::vector<series> calls{{"SOAP calls/s", "#8c564b", rates(r.samples, &sample::soap_calls)}};
    o << "<br>" << svg_chart("SOAP calls the gateway made", "seconds since the start",
                             "calls/s", calls, false, away);
  }
  o << "<br>" << svg_chart("Gateway resident memory", "seconds since the start", "MiB", mem);
  std::vector<series> lat{{"end-to-end", "#d62728", by_percentile(r.e2e_sorted_ms)},
                          {"intake acknowledgement", "#1f77b4", by_percentile(r.ack_sorted_ms)}};
  o << "<br>" << svg_chart("Latency distribution (log scale)", "percentile", "ms", lat, true);
  if (!peers.empty()) {
    o << "<h2>Peers</h2><table><tr><th>who</th><th>completed</th><th>seconds</th>"
         "<th>completed/s</th><th>concurrency</th><th>errors</th><th>gateway is</th>"
         "<th>note</th></tr>";
    o << "<tr><td>usms-gateway</td><td>" << r.succeeded << "</td><td>"
      << format_number("%.2f", r.drain_seconds) << "</td><td>" << format_number("%.0f", r.completed_per_s)
      << "</td><td>-</td><td>" << r.failed + r.lost << "</td><td>1.00x</td><td>durable queue</td></tr>";
    for (auto& p : peers)
      o << "<tr><td>" << html_escape(p.name) << "</td><td>" << p.completed << "</td><td>"
        << format_number("%.2f", p.seconds) << "</td><td>" << format_number("%.0f", p.per_second)
        << "</td><td>" << p.concurrency << "</td><td>" << p.errors << "</td><td>"
        << ratio(r.completed_per_s, p.per_second) << "</td><td>" << html_escape(p.note)
        << "</td></tr>";
    o << "</table>";
  }
  o << "</body></html>\n";
  return o.str();
}

} // namespace usms::bench
