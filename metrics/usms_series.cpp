// The USMS health families, the held-request gauges and the build info of
// gateway_metrics, rendered apart from the request and SOAP families.

#include <algorithm>

#include "metrics/gateway_metrics.hpp"
#include "metrics/text_format.hpp"

namespace usms {

namespace {

using prom::header;
using prom::sample;

constexpr std::array<const char*, 6> usms_state_names{
  "up", "down", "probing", "ramping", "paused", "auth_failed"};

} // namespace

void gateway_metrics::render_usms(std::string& out, int64_t now_ms) const {
  auto state = usms_state_.load();
  header(out, "usms_gateway_usms_up", "gauge",
         "1 while USMS is up or ramping up after an outage.");
  sample(out, "usms_gateway_usms_up", "", state == 0 || state == 3 ? 1 : 0);
  header(out, "usms_gateway_usms_state", "gauge",
         "The gateway's view of USMS: 1 for the current state.");
  for (size_t i = 0; i < usms_state_names.size(); ++i)
    sample(out, "usms_gateway_usms_state",
           std::string{"state=\""} + usms_state_names[i] + "\"",
           i == state ? 1 : 0);
  header(out, "usms_gateway_usms_transitions_total", "counter",
         "Changes of the USMS state, by the state entered.");
  for (size_t i = 0; i < usms_state_names.size(); ++i)
    sample(out, "usms_gateway_usms_transitions_total",
           std::string{"to=\""} + usms_state_names[i] + "\"",
           usms_transitions_[i].load());
  header(out, "usms_gateway_usms_probes_total", "counter",
         "Probes sent while USMS was down, and asked for by operators.");
  sample(out, "usms_gateway_usms_probes_total", "", probes_.load());
  header(out, "usms_gateway_usms_probe_answers_total", "counter",
         "Probe outcomes: alive (a life signal) or failed.");
  sample(out, "usms_gateway_usms_probe_answers_total", "result=\"alive\"",
         probe_answers_[0].load());
  sample(out, "usms_gateway_usms_probe_answers_total", "result=\"failed\"",
         probe_answers_[1].load());
  hold_snapshot hold;
  {
    std::lock_guard<std::mutex> guard{text_mtx_};
    if (hold_source_)
      hold = hold_source_();
  }
  prom::single(out, "usms_gateway_requests_held", "gauge",
               "Requests of this instance waiting for USMS.", hold.held);
  // An age rather than a time: alert rules compare it with a duration.
  int64_t waited_ms
    = hold.oldest_held_at > 0 ? now_ms - hold.oldest_held_at : 0;
  double age = static_cast<double>(std::max<int64_t>(0, waited_ms)) / 1000.0;
  prom::single(out, "usms_gateway_oldest_held_request_age_seconds", "gauge",
               "How long the oldest request held for USMS has waited (0: "
               "none).",
               age);
}

void gateway_metrics::render_build_info(std::string& out) const {
  std::string version;
  {
    std::lock_guard<std::mutex> guard{text_mtx_};
    version = build_version_.empty() ? "unknown" : build_version_;
  }
  header(out, "usms_gateway_build_info", "gauge",
         "Always 1; the version label says which gateway build runs.");
  sample(out, "usms_gateway_build_info",
         "version=\"" + prom::label_value(version) + "\"", 1);
}

} // namespace usms
