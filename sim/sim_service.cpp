#include "sim/sim_service.hpp"

#include <cctype>

#include "common/ascii.hpp"
#include "contract/ticket_fields.hpp"
#include "contract/wsdl_writer.hpp"
#include "sim/admin_json.hpp"
#include "sim/admin_tickets.hpp"
#include "transport/url.hpp"

namespace usms::sim {

namespace {

constexpr const char* xml_type = "text/xml; charset=utf-8";

failure client_error(std::string message, std::string code = "VALIDATION") {
  return failure{std::move(message), std::move(code)};
}

bool blank(std::string_view s) {
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c)))
      return false;
  return true;
}

/// Checks the fields of a create or an update against the ticket type.
std::string check_fields(ticket_type type, const ticket_fields& fields) {
  for (const auto& [name, value] : fields) {
    const auto* def = field_by_soap_name(name);
    if (def == nullptr)
      return "unknown field " + name;
    if (def->read_only)
      return name + " is read-only";
    if (!field_allowed(*def, type))
      return name + " does not belong to " + std::string(soap_name(type))
             + " tickets";
    auto err = check_field_value(*def, type, value);
    if (!err.empty())
      return err;
  }
  return {};
}

// The options with the contract to serve filled in.
service_options with_contract(service_options o) {
  if (!o.contract)
    o.contract = soap::builtin_contract(2);
  return o;
}

/// Names of operations outside the contract kept apart in the statistics.
constexpr std::size_t max_other_names = 32;

std::string strip_quotes(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front())))
    v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back())))
    v.remove_suffix(1);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
    v = v.substr(1, v.size() - 2);
  return std::string(v);
}

} // namespace

bool soap_action_matches(std::string_view action, std::string_view op_name) {
  if (action == op_name)
    return true;
  if (action.size() <= op_name.size())
    return false;
  char sep = action[action.size() - op_name.size() - 1];
  return (sep == '/' || sep == '#' || sep == ':')
         && action.substr(action.size() - op_name.size()) == op_name;
}

std::string rewrite_wsdl_address(std::string_view wsdl,
                                 std::string_view location) {
  std::string out;
  out.reserve(wsdl.size() + location.size());
  std::size_t pos = 0;
  for (;;) {
    auto tag = wsdl.find(":address", pos);
    if (tag == std::string_view::npos)
      break;
    auto tag_end = wsdl.find('>', tag);
    auto attr = wsdl.find("location", tag);
    if (tag_end == std::string_view::npos || attr == std::string_view::npos
        || attr > tag_end) {
      out.append(wsdl.substr(pos, tag + 8 - pos));
      pos = tag + 8;
      continue;
    }
    auto quote = wsdl.find_first_of("\"'", attr);
    if (quote == std::string_view::npos || quote > tag_end)
      break;
    auto close = wsdl.find(wsdl[quote], quote + 1);
    if (close == std::string_view::npos)
      break;
    out.append(wsdl.substr(pos, quote + 1 - pos));
    out.append(soap::xml_escape(location));
    pos = close;
  }
  out.append(wsdl.substr(pos));
  return out;
}

/// One SOAP call in flight: counted until its answer is handed to the
/// server, or until the call ends without one (the last copy of its
/// responder goes).
class sim_service::call_in_flight {
public:
  explicit call_in_flight(std::atomic<uint64_t>& n) : n_(n) {}
  ~call_in_flight() { end(); }
  void end() {
    if (!ended_.exchange(true))
      --n_;
  }

private:
  std::atomic<uint64_t>& n_;
  std::atomic<bool> ended_{false};
};

sim_service::sim_service(service_options options, fault_settings faults,
                         uint64_t seed)
  : options_(with_contract(std::move(options))),
    contract_(*options_.contract),
    wsdl_(soap::generate_wsdl(contract_)),
    faults_(faults, seed),
    calls_(new std::atomic<uint64_t>[contract_.operations.size()]) {
  for (std::size_t i = 0; i < contract_.operations.size(); ++i)
    calls_[i] = 0;
}

sim_service::~sim_service() {
  shutdown();
}

void sim_service::shutdown() {
  delays_.stop();
}

void sim_service::set_authority(std::string authority) {
  std::lock_guard<std::mutex> guard(authority_mtx_);
  options_.authority = std::move(authority);
}

void sim_service::handle(http::request req, http::responder respond) {
  auto path = http::target_path(req.target);
  if (path == "/usms") {
    if (req.method == "POST") {
      auto call = enter_call();
      return handle_soap(req, [respond, call](http::response r) {
        call->end();
        respond(std::move(r));
      });
    }
    bool wsdl = false;
    for (const auto& [k, v] : http::parse_query(req.target))
      wsdl = wsdl || iequals(k, "wsdl");
    if (req.method == "GET" && wsdl)
      return respond(wsdl_response(req));
    return respond(json_response(
      405, error_json("POST SOAP requests to /usms; GET /usms?wsdl")));
  }
  if (path == "/admin/stats") {
    if (req.method == "GET")
      return respond(stats_response());
    return respond(json_response(405, error_json("GET /admin/stats")));
  }
  if (path == "/admin/faults") {
    if (req.method == "GET" || req.method == "PUT")
      return respond(faults_response(req));
    return respond(json_response(405, error_json("GET or PUT /admin/faults")));
  }
  if (handle_admin_ticket(store_, req, respond))
    return;
  if (path == "/admin/reset") {
    if (req.method == "POST") {
      reset_stats();
      return respond(json_response(200, stats_response().body));
    }
    return respond(json_response(405, error_json("POST /admin/reset")));
  }
  respond(json_response(404, error_json("no such endpoint: "
                                        + std::string(path))));
}

http::response sim_service::wsdl_response(const http::request& req) const {
  std::string authority(req.header("Host"));
  if (authority.empty()) {
    std::lock_guard<std::mutex> guard(authority_mtx_);
    authority = options_.authority;
  }
  std::string location = std::string(options_.tls ? "https" : "http") + "://"
                         + authority + "/usms";
  http::response r;
  r.content_type = xml_type;
  r.body = rewrite_wsdl_address(wsdl_, location);
  return r;
}

http::response sim_service::stats_response() const {
  stats_snapshot s;
  for (std::size_t i = 0; i < contract_.operations.size(); ++i)
    if (auto n = calls_[i].load(); n > 0)
      s.calls[contract_.operations[i].name] = n;
  {
    std::lock_guard<std::mutex> guard(other_mtx_);
    for (auto& [name, n] : other_calls_)
      s.calls[name] += n;
  }
  if (auto n = invalid_calls_.load(); n > 0)
    s.calls["invalid"] = n;
  s.creates_by_external_reference = store_.creates_by_external_reference();
  s.tickets = store_.size();
  s.faults = faults_.counts();
  s.in_flight = in_flight_.load();
  s.peak_concurrency = peak_.load();
  return json_response(200, stats_to_json(s));
}

std::shared_ptr<sim_service::call_in_flight> sim_service::enter_call() {
  auto now = ++in_flight_;
  auto peak = peak_.load();
  while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
    // another call raised the peak meanwhile: compare with it
  }
  return std::make_shared<call_in_flight>(in_flight_);
}

http::response sim_service::faults_response(const http::request& req) {
  if (req.method == "PUT") {
    // Read-modify-write of the settings; admin calls are rare and serial
    // in practice, so no lock spans the two steps.
    auto updated = apply_faults_json(req.body, faults_.settings());
    if (!updated)
      return json_response(400, error_json(updated.error().message));
    faults_.set_settings(*updated);
  }
  return json_response(200, faults_to_json(faults_.settings()));
}

void sim_service::reset_stats() {
  store_.clear();
  for (std::size_t i = 0; i < contract_.operations.size(); ++i)
    calls_[i] = 0;
  invalid_calls_ = 0;
  peak_ = in_flight_.load();
  {
    std::lock_guard<std::mutex> guard(other_mtx_);
    other_calls_.clear();
  }
  faults_.reset_counts();
}

void sim_service::count_call(const soap::operation* op,
                             const std::string& action) {
  if (!op)
    for (auto& o : contract_.operations)
      if (!action.empty()
          && (soap_action_matches(action, o.soap_action)
              || soap_action_matches(action, o.name)))
        op = &o;
  if (op) {
    calls_[static_cast<std::size_t>(op - contract_.operations.data())]
      .fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (!action.empty()) {
    std::lock_guard<std::mutex> guard(other_mtx_);
    auto it = other_calls_.find(action);
    if (it != other_calls_.end()) {
      ++it->second;
      return;
    }
    if (other_calls_.size() < max_other_names) {
      other_calls_.emplace(action, 1);
      return;
    }
  }
  invalid_calls_.fetch_add(1, std::memory_order_relaxed);
}

bool sim_service::authorized(const soap::incoming& in) const {
  if (options_.user.empty())
    return true;
  if (!in.creds || in.creds->username != options_.user)
    return false;
  if (options_.password.empty())
    return true;
  return in.has_password && in.creds->password == options_.password;
}

result<soap::answer> sim_service::process(const soap::incoming& in) {
  const auto& c = in.request;
  soap::answer a;
  switch (c.act) {
    case action::create: {
      auto summary = c.fields.find("Summary");
      if (summary == c.fields.end() || blank(summary->second))
        return client_error("Summary is required");
      if (auto err = check_fields(c.type, c.fields); !err.empty())
        return client_error(err);
      a.ticket_id = store_.create(c.type, c.fields);
      return a;
    }
    case action::update: {
      if (c.ticket_id.empty())
        return client_error("TicketId is required");
      ticket_fields changes = c.fields;
      // A client may echo the ticket's own id inside Ticket: harmless.
      if (auto id = changes.find("TicketId"); id != changes.end()) {
        if (id->second != c.ticket_id)
          return client_error("Ticket/TicketId differs from TicketId");
        changes.erase(id);
      }
      if (auto s = changes.find("Summary");
          s != changes.end() && blank(s->second))
        return client_error("Summary cannot be empty");
      if (auto err = check_fields(c.type, changes); !err.empty())
        return client_error(err);
      auto updated = store_.update(c.type, c.ticket_id, changes, c.work_note);
      if (!updated)
        return updated.error();
      a.tickets.push_back(std::move(*updated));
      return a;
    }
    case action::query: {
      if (in.op->limit && c.max_results <= 0)
        return client_error(in.op->limit.name + " must be at least 1");
      std::optional<int64_t> since;
      const auto& allowed = query_filter_fields();
      for (const auto& [name, value] : c.filter) {
        bool known = false;
        for (auto f : allowed)
          known = known || f == name;
        if (!known)
          return client_error("unknown Filter element " + name);
        if (name == "UpdatedSince") {
          since = date_time_ms(value);
          if (!since)
            return client_error("UpdatedSince must be an xsd:dateTime");
        } else if (name == "Status") {
          const auto* def = field_by_soap_name("Status");
          if (def != nullptr) {
            if (auto err = check_field_value(*def, c.type, value);
                !err.empty())
              return client_error(err);
          }
        }
      }
      auto page = store_.query(c.type, c.filter, since, c.max_results);
      a.total_count = page.total_count;
      a.tickets = std::move(page.tickets);
      return a;
    }
  }
  return client_error("unknown operation", "UNSUPPORTED");
}

void sim_service::handle_soap(const http::request& req,
                              const http::responder& respond) {
  auto parsed = soap::parse_request(contract_, req.body);
  auto action_header = req.header("SOAPAction");
  std::string action = strip_quotes(action_header);
  count_call(parsed ? parsed->op : nullptr, action);

  auto delay = faults_.draw_latency();
  auto finish = [this, delay, respond](http::response r) {
    if (delay.count() > 0)
      delays_.schedule(delay_queue::clock::now() + delay,
                       [respond, r = std::move(r)] { respond(r); });
    else
      respond(std::move(r));
  };
  auto fault_response = [this](unsigned status, bool server,
                               const std::string& code,
                               const std::string& message) {
    http::response r;
    r.status = status;
    r.content_type = xml_type;
    soap::fault f;
    f.server = server;
    f.faultstring = message;
    f.error_code = code;
    f.error_message = message;
    r.body = soap::build_fault(contract_, f);
    return r;
  };

  switch (faults_.draw_pre_fault()) {
    case pre_fault::none:
      break;
    case pre_fault::down:
      return finish(fault_response(500, true, "UNAVAILABLE",
                                   "the USMS backend is down"));
    case pre_fault::server_fault:
      return finish(fault_response(500, true,
                                   faults_.settings().server_fault_code,
                                   "the USMS backend is busy (injected)"));
    case pre_fault::unavailable: {
      auto r = fault_response(503, true, "UNAVAILABLE",
                              "service unavailable (injected)");
      r.headers.push_back(
        {"Retry-After", std::to_string(faults_.settings().retry_after_s)});
      return finish(std::move(r));
    }
  }

  if (!parsed) {
    const auto& err = parsed.error();
    std::string code = err.code == "UNSUPPORTED" ? "UNSUPPORTED"
                                                 : "VALIDATION";
    return finish(fault_response(500, false, code, err.message));
  }
  const auto& call = parsed->request;
  const auto& op = *parsed->op;
  if (!action.empty() && !soap_action_matches(action, op.soap_action)
      && !soap_action_matches(action, op.name))
    return finish(fault_response(
      500, false, "VALIDATION",
      "SOAPAction " + action + " does not match the body element "
        + op.request.name));
  if (!authorized(*parsed))
    return finish(fault_response(500, false, "AUTH", "bad credentials"));

  auto outcome = process(*parsed);
  if (!outcome)
    return finish(fault_response(500, false, outcome.error().code,
                                 outcome.error().message));

  if (call.act == action::create) {
    switch (faults_.draw_post_create_fault()) {
      case post_create_fault::none:
        break;
      case post_create_fault::reset: {
        http::response r;
        r.reset_connection = true;
        return finish(std::move(r));
      }
      case post_create_fault::hang: {
        auto hold = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::duration<double>(faults_.settings().hang_for_s));
        delays_.schedule(delay_queue::clock::now() + delay + hold, [respond] {
          http::response r;
          r.reset_connection = true;
          respond(std::move(r));
        });
        return;
      }
    }
  }
  http::response r;
  r.content_type = xml_type;
  r.body = soap::build_response(contract_, op, call, *outcome);
  finish(std::move(r));
}

} // namespace usms::sim
