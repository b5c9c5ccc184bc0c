#include "app/gateway_settings.hpp"

#include <algorithm>

#include "transport/url.hpp"

namespace usms::app {

bool split_listen(const std::string& text, std::string& host, uint16_t& port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos)
    return false;
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  try {
    auto p = std::stoul(text.substr(colon + 1));
    if (p > 65535)
      return false;
    port = static_cast<uint16_t>(p);
  } catch (...) {
    return false;
  }
  return !host.empty();
}

std::shared_ptr<const soap::contract>
contract_in_force(const config::settings& s,
                  const std::shared_ptr<const soap::contract>& file) {
  return file ? file : soap::builtin_contract(s.usms.api_version);
}

std::vector<std::string>
operation_names(const std::shared_ptr<const soap::contract>& file) {
  std::vector<std::string> out;
  auto add = [&](const soap::contract& k) {
    for (auto& op : k.operations)
      if (std::find(out.begin(), out.end(), op.name) == out.end())
        out.push_back(op.name);
  };
  if (file) {
    add(*file);
  } else {
    add(*soap::builtin_contract(1));
    add(*soap::builtin_contract(2));
  }
  return out;
}

pipeline_settings pipeline_from(const config::settings& s,
                                const soap::contract& k, bool shared) {
  pipeline_settings p;
  p.fence_calls = shared;
  p.retries = s.soap.retries;
  p.query_limit = s.soap.query_limit;
  p.backoff_base_ms = s.soap.backoff_base.count();
  p.backoff_max_ms = s.soap.backoff_max.count();
  p.max_pending = s.intake.max_pending;
  p.give_up_after_ms = s.soap.give_up_after ? s.soap.give_up_after->count()
                                            : 0;
  p.has_lookup = k.lookup_by_external_reference;
  // Enough supervisors to keep every slot busy while the next ones wait
  // for theirs; the rest of a backlog waits in the journal.
  p.active_window = std::max(16, 2 * s.usms.max_in_flight);
  return p;
}

dispatcher_settings dispatcher_from(const config::settings& s,
                                    const soap::contract& k) {
  dispatcher_settings d;
  d.url = s.usms.url;
  d.username = s.soap.username;
  d.password = s.soap.password;
  d.max_in_flight = s.usms.max_in_flight;
  d.max_rate = s.usms.max_rate;
  d.request_timeout_ms = s.usms.request_timeout.count();
  d.breaker_failures = s.usms.breaker_failures;
  d.probe_interval_ms = s.usms.probe_interval.count();
  d.recovery_ramp_ms = s.usms.recovery_ramp.count();
  d.max_retry_after_ms = s.usms.max_retry_after.count();
  // Probes are queries where the contract has one: of the first ticket
  // type it can query, by a filter that matches no ticket.
  d.probe_by_query = false;
  for (auto t :
       {ticket_type::incident, ticket_type::change, ticket_type::problem}) {
    auto query = k.sent(action::query, t);
    if (!query || d.probe_by_query)
      continue;
    d.probe_by_query = true;
    d.probe_type = t;
    d.probe_filter.clear();
    for (auto name : {"ExternalReference", "TicketId"})
      if (d.probe_filter.empty()
          && query->filters_by(
            static_cast<std::size_t>(soap::model_filter_index(name))))
        d.probe_filter = name;
  }
  return d;
}

alarm_engine_settings alarms_from(const config::settings& s,
                                  const soap::contract& k) {
  alarm_engine_settings a;
  auto& in = s.alarms;
  a.update_interval_ms = in.update_interval.count();
  a.auto_resolve = in.auto_resolve;
  a.resolution_code = in.resolution_code;
  a.reopen_window_ms = in.reopen_window.count();
  a.sync_interval_ms = in.sync_interval.count();
  a.keep_ms = in.keep.count();
  a.flap_threshold = in.flap_threshold;
  a.flap_window_ms = in.flap_window.count();
  // Updates (repeat notes, resolve, reopen) need every alarm type the
  // contract creates to be updatable; the sync asks only for the types the
  // contract can query by when they were updated (API v1 does neither).
  a.has_update = true;
  a.sync_types.clear();
  auto updated_since = static_cast<std::size_t>(
    soap::model_filter_index("UpdatedSince"));
  for (auto t : {ticket_type::incident, ticket_type::problem}) {
    if (!k.offers(action::create, t))
      continue;
    a.has_update = a.has_update && k.offers(action::update, t);
    auto query = k.sent(action::query, t);
    if (query && query->filters_by(updated_since))
      a.sync_types.emplace_back(to_string(t));
  }
  a.query_limit = s.soap.query_limit;
  return a;
}

http::client_options client_from(const config::settings& s) {
  http::client_options o;
  o.connect_timeout = s.usms.connect_timeout;
  o.request_timeout = s.usms.request_timeout;
  o.max_connections_per_host
    = static_cast<std::size_t>(std::max(1, s.usms.max_in_flight));
  if (!s.usms.bypass_proxy)
    o.proxy = s.usms.proxy;
  o.ca_file = s.usms.ca_file;
  o.client_cert_file = s.usms.client_cert;
  o.client_key_file = s.usms.client_key.empty() ? s.usms.client_cert
                                                : s.usms.client_key;
  return o;
}

std::string unusable(const http::client& c, const config::settings& s) {
  auto target = http::parse_url(s.usms.url);
  auto err = c.setup_error(target ? target->scheme : "http");
  if (err.empty())
    return {};
  // For http URLs only the proxy can be at fault.
  if (!c.setup_error("http").empty())
    return "usms.proxy: the SOAP client cannot use this proxy: " + err;
  return "the SOAP client cannot be built from these settings: " + err;
}


} // namespace usms::app
