#include "app/gateway.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "actors/cluster_member.hpp"
#include "actors/alarm_engine.hpp"
#include "actors/alarm_reader.hpp"
#include "actors/intake.hpp"
#include "actors/file_janitor.hpp"
#include "actors/offload_scheduler.hpp"
#include "actors/ops_store.hpp"
#include "metrics/gateway_metrics.hpp"
#include "offload/clock.hpp"
#include "offload/metrics.hpp"
#include "offload/options.hpp"
#include "actors/journal.hpp"
#include "actors/reader.hpp"
#include "actors/reply_dispatcher.hpp"
#include "actors/soap_dispatcher.hpp"
#include "actors/system_config.hpp"
#include "app/alarm_routes.hpp"
#include "app/auth_guard.hpp"
#include "app/build_info.hpp"
#include "app/gateway_settings.hpp"
#include "app/cluster_routes.hpp"
#include "app/http_api.hpp"
#include "app/logging.hpp"
#include "app/ops_routes.hpp"
#include "app/web_routes.hpp"
#include "app/service_routes.hpp"
#include "app/shared_settings.hpp"
#include "app/usms_routes.hpp"
#include "caf/actor_system.hpp"
#include "caf/atom.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/send.hpp"
#include "config/storage_target.hpp"
#include "persistence/backend.hpp"
#include "transport/http_client.hpp"
#include "transport/http_server.hpp"
#include "transport/soap_transport.hpp"
#include "transport/url.hpp"

namespace usms::app {

struct gateway::impl {
  /// Guards cfg: the API reads it on I/O threads.
  std::mutex cfg_mtx;
  config::loaded cfg;
  std::shared_ptr<client_slot> soap_slot;
  /// The contract file's contract; null: the built-in one of api_version.
  std::shared_ptr<const soap::contract> file_contract;
  std::shared_ptr<contract_slot> contracts;
  /// Clients replaced at run time, stopped at shutdown.
  std::vector<std::shared_ptr<http::client>> retired_clients;
  ops_store_actor ops_store;
  offload_scheduler_actor offloader;
  file_janitor_actor janitor;
  std::shared_ptr<offload::offload_metrics> offload_metrics
    = std::make_shared<offload::offload_metrics>();
  gateway_system_config caf_cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<http::client> soap_client;
  std::shared_ptr<http::client> reply_client;
  std::shared_ptr<std::atomic<bool>> routes_configured
    = std::make_shared<std::atomic<bool>>(false);
  reply_actor replies;
  std::unique_ptr<http::server> server;
  std::shared_ptr<live_rules> rules = std::make_shared<live_rules>();
  std::shared_ptr<usms_board> usms_view = std::make_shared<usms_board>();
  journal_actor journal;
  reader_actor reader;
  dispatcher_actor dispatcher;
  intake_actor intake;
  cluster_member_actor member;
  std::shared_ptr<cluster_board> cluster = std::make_shared<cluster_board>();
  /// Other instances may use the storage too.
  bool shared_storage = false;
  /// What this instance follows of the others' changes (shared storage).
  std::shared_ptr<shared_settings> shared;
  std::function<void()> on_lease_lost;
  std::atomic<bool> lease_lost{false};
  alarm_reader_actor alarm_reader;
  alarm_engine_actor alarm_engine;

  /// This instance's standing in the cluster for the actors that heed it;
  /// null when it is alone on its storage (no lease to watch, always
  /// leads).
  std::shared_ptr<cluster_board> lease() const {
    return shared_storage ? cluster : nullptr;
  }
  std::string host;
  uint16_t port = 0;
  bool https = false;
  bool stopped = false;

  /// Puts validated settings in force without a restart. Returns "" on
  /// success, else why not; then nothing has changed.
  std::string apply(config::loaded next) {
    std::lock_guard<std::mutex> guard{cfg_mtx};
    auto& s = next.values;
    auto& old = cfg.values;
    // Connection-level settings need a new client; calls under way finish
    // on the old one. It is built first: settings it cannot work with (a
    // proxy it cannot use, a CA file it cannot load) change nothing.
    std::shared_ptr<http::client> fresh;
    if (s.usms.proxy != old.usms.proxy
        || s.usms.bypass_proxy != old.usms.bypass_proxy
        || s.usms.connect_timeout != old.usms.connect_timeout
        || s.usms.max_in_flight != old.usms.max_in_flight) {
      fresh = std::make_shared<http::client>(client_from(s));
      if (auto err = unusable(*fresh, s); !err.empty())
        return err;
    }
    auto k = contract_in_force(s, file_contract);
    if (&contracts->get() != k.get())
      contracts->set(k);
    rules->contract = k.get();
    rules->query_limit = s.soap.query_limit;
    caf::anon_send(intake, settings_atom_v,
                   pipeline_from(s, *k, shared_storage));
    caf::anon_send(alarm_engine, settings_atom_v, alarms_from(s, *k));
    caf::anon_send(dispatcher, settings_atom_v, dispatcher_from(s, *k));
    caf::anon_send(replies, settings_atom_v, int32_t{s.reply.retries});
    auto opts = offload::to_offload_options(s.offload);
    caf::anon_send(offloader, settings_atom_v, opts);
    caf::anon_send(janitor, settings_atom_v, opts);
    if (s.log.level != old.log.level)
      set_log_level(s.log.level);
    if (fresh) {
      soap_client = fresh;
      retired_clients.push_back(soap_slot->replace(std::move(fresh)));
    }
    cfg = std::move(next);
    return {};
  }
};

gateway::gateway(config::loaded settings) : impl_(std::make_unique<impl>()) {
  impl_->cfg = std::move(settings);
  // One CAF worker per core (at least two): the I/O threads and the
  // detached actors (journal, reader, ops store, offload scheduler) have
  // threads of their own.
  impl_->caf_cfg.set("scheduler.max-threads",
                     std::max<size_t>(2, std::thread::hardware_concurrency()));
  // One shared queue with a condition variable: on a few cores it beat
  // work stealing, whose idle workers poll and sleep (bench/run-storm,
  // docs/performance.md: 6 % more requests/s, 7 % less CPU on 2 cores).
  impl_->caf_cfg.set("scheduler.policy", caf::atom("sharing"));
}

gateway::~gateway() {
  stop(std::chrono::milliseconds(0));
}

std::string gateway::start() {
  auto& d = *impl_;
  auto& s = d.cfg.values;
  if (!split_listen(s.server.listen, d.host, d.port))
    return "server.listen: '" + s.server.listen + "' is not HOST:PORT";
  if (!s.usms.contract.empty()) {
    auto loaded = soap::load_contract_file(s.usms.contract);
    if (!loaded)
      return "usms.contract: " + loaded.error().message;
    d.file_contract = std::move(*loaded);
  }
  auto k = contract_in_force(s, d.file_contract);
  d.contracts = std::make_shared<contract_slot>(k);
  metrics().set_operations(operation_names(d.file_contract));
  spdlog::info("USMS contract: {} ({})", k->name, k->source);
  d.rules->contract = k.get();
  d.rules->query_limit = s.soap.query_limit;
  d.sys = std::make_unique<caf::actor_system>(d.caf_cfg);
  http::client_options reply_options;
  reply_options.request_timeout = std::chrono::seconds(10);
  d.reply_client = std::make_shared<http::client>(reply_options);
  // Each storage owner opens its own connection to the location (storage.url
  // or storage.db, whichever came from the later source); which backend
  // serves it is the location's business (storage::open_backend).
  auto location = config::resolved_storage(d.cfg).location;
  std::shared_ptr<const storage::backend> backend;
  std::shared_ptr<storage::cluster_store> membership;
  storage::lease_grant grant;
  try {
    backend = storage::open_backend(location);
    spdlog::info("storage: {}", backend->describe());
    d.journal = spawn_journal(*d.sys, location);
    d.reader = spawn_reader(*d.sys, location);
    d.replies = spawn_reply_dispatcher(*d.sys, d.journal, d.reply_client,
                                       d.routes_configured, s.reply.retries);
    // Joining comes before the first request is journaled: new requests
    // are this instance's, under its fencing token.
    membership = backend->open_cluster();
    d.shared_storage = membership->shared();
    auto asked_at = cluster_board::steady_ms();
    grant = membership->join(s.cluster.instance_id, now_ms(),
                             s.cluster.lease.count());
    d.cluster->granted(asked_at, s.cluster.lease.count());
    if (d.shared_storage)
      d.cluster->set_live_instances(
        static_cast<int64_t>(membership->instances(now_ms()).size()));
    // Alone on its storage, an instance leads from the start.
    d.cluster->set_leading(!d.shared_storage);
    caf::anon_send(d.journal, owner_atom_v, s.cluster.instance_id,
                   grant.token);
    if (d.shared_storage)
      spdlog::info("cluster: instance {} joined (lease {} ms)",
                   s.cluster.instance_id, s.cluster.lease.count());
    d.alarm_reader = spawn_alarm_reader(*d.sys, location);
    d.ops_store = spawn_ops_store(*d.sys, location, trend_from(s), d.replies,
                                  d.lease());
  } catch (const std::exception& e) {
    return e.what();
  }
  d.soap_client = std::make_shared<http::client>(client_from(s));
  auto clock = std::make_shared<offload::system_offload_clock>();
  auto opts = offload::to_offload_options(s.offload);
  d.offloader = spawn_offload_scheduler(*d.sys, location, opts, clock,
                                        d.offload_metrics, true, d.lease());
  d.janitor = spawn_file_janitor(*d.sys, opts, clock, d.offload_metrics, true,
                                 d.lease());
  metrics().set_offload_source([m = d.offload_metrics] {
    offload_snapshot snap;
    snap.rows = m->rows_offloaded.load();
    snap.files_written = m->files_written.load();
    snap.files_removed = m->files_removed.load();
    snap.failures = m->failures.load();
    snap.failing = m->failing.load();
    snap.error = m->last_error();
    return snap;
  });
  metrics().set_build_version(std::string{gateway_version()});
  metrics().set_hold_source([board = d.usms_view] {
    return hold_snapshot{board->held(), board->oldest_held_at()};
  });
  d.soap_slot = std::make_shared<client_slot>(d.soap_client);
  auto lease = d.lease();
  d.dispatcher = spawn_soap_dispatcher(*d.sys, dispatcher_from(s, *k),
                                       make_soap_sender(d.soap_slot,
                                                        d.contracts),
                                       d.usms_view, lease);
  d.intake = spawn_intake(*d.sys,
                          {d.journal, d.reader, d.dispatcher, d.replies,
                           d.routes_configured, d.usms_view, lease,
                           d.shared_storage},
                          pipeline_from(s, *k, d.shared_storage));
  auto* me = impl_.get();
  if (d.shared_storage)
    d.shared = std::make_shared<shared_settings>(shared_settings::deps{
      d.sys.get(), d.ops_store, d.dispatcher,
      [me] {
        std::lock_guard<std::mutex> guard{me->cfg_mtx};
        return me->cfg;
      },
      [me](config::loaded next) { return me->apply(std::move(next)); }});
  std::function<void()> on_shared_change;
  if (d.shared)
    on_shared_change = [shared = d.shared] { shared->changed(); };
  d.member = spawn_cluster_member(
    *d.sys, {membership, s.cluster.instance_id, grant.token,
             s.cluster.lease.count(), d.intake, d.cluster, d.usms_view,
             [me] {
               me->lease_lost = true;
               if (me->on_lease_lost)
                 me->on_lease_lost();
             },
             on_shared_change});
  // The intake activates held requests when USMS is available again.
  caf::anon_send(d.dispatcher, listen_atom_v,
                 caf::actor_cast<caf::actor>(d.intake));
  d.alarm_engine = spawn_alarm_engine(
    *d.sys, {d.intake, d.journal, d.alarm_reader, d.dispatcher},
    alarms_from(s, *k));
  // The engine hears of every finished alarm step.
  caf::anon_send(d.intake, listen_atom_v,
                 caf::actor_cast<caf::actor>(d.alarm_engine));
  caf::anon_send(d.intake, start_atom_v);
  caf::anon_send(d.alarm_engine, start_atom_v);
  caf::anon_send(d.replies, start_atom_v);
  auto ctx = std::make_shared<api_context>();
  ctx->sys = d.sys.get();
  ctx->intake = d.intake;
  ctx->reader = d.reader;
  ctx->rules = d.rules;
  ctx->board = d.usms_view;
  ctx->more_routes.push_back(make_service_routes(
    {[backend] { return backend->readiness_problem(); }, d.usms_view}));
  std::function<void(const std::string&)> on_dispatch;
  if (d.shared)
    on_dispatch = [shared = d.shared](const std::string& state) {
      shared->dispatch_set(state);
    };
  ctx->more_routes.push_back(make_usms_routes(
    {d.sys.get(), d.dispatcher, d.usms_view, s.auth.tokens, on_dispatch}));
  auto* gw = impl_.get();
  ctx->more_routes.push_back(make_alarm_routes(
    {d.sys.get(), d.alarm_engine, d.alarm_reader, d.rules, [gw] {
       std::lock_guard<std::mutex> guard{gw->cfg_mtx};
       return gw->cfg.values.alertmanager;
     }}));
  ctx->more_routes.push_back(make_cluster_routes(d.sys.get(), d.member));
  auto ops = std::make_shared<ops_context>();
  ops->sys = d.sys.get();
  ops->store = d.ops_store;
  ops->board = d.usms_view;
  auto* self = impl_.get();
  ops->get_config = [self] {
    std::lock_guard<std::mutex> guard{self->cfg_mtx};
    return self->cfg;
  };
  // A route saved now counts at once for requests finishing from now on.
  ops->on_route_saved = [flag = d.routes_configured] { flag->store(true); };
  ops->apply_config = [self](config::loaded next,
                             std::map<std::string, std::string>) {
    return self->apply(std::move(next));
  };
  for (auto& r : make_ops_routes(ops))
    ctx->more_routes.push_back(std::move(r));
  auto web_root = find_web_root(nullptr);
  spdlog::info("operator pages from {}", web_root);
  ctx->more_routes.push_back(make_web_routes(web_root));
  http::server_options so;
  so.host = d.host;
  so.port = d.port;
  so.max_body = s.server.max_body;
  so.io_threads = 1;
  so.tls_cert_file = s.server.tls_cert;
  so.tls_key_file = s.server.tls_key;
  so.tls_client_ca_file = s.server.tls_client_ca;
  so.max_connections = static_cast<std::size_t>(
    std::max(0, s.server.max_connections));
  so.header_timeout = s.server.header_timeout;
  so.idle_timeout = s.server.idle_timeout;
  // Tokens are checked from the request's head: a body without a valid
  // token is never read.
  so.on_head = make_auth_guard(s.auth.tokens, s.auth.protect_metrics);
  d.server = std::make_unique<http::server>(so, make_api_handler(ctx));
  if (auto err = d.server->start(); !err.empty())
    return err;
  d.port = d.server->port();
  d.https = !so.tls_cert_file.empty();
  return {};
}

void gateway::on_lease_lost(std::function<void()> fn) {
  impl_->on_lease_lost = std::move(fn);
}

bool gateway::lease_lost() const {
  return impl_->lease_lost;
}

std::string gateway::base_url() const {
  auto host = impl_->host.find(':') != std::string::npos
                ? "[" + impl_->host + "]"
                : impl_->host;
  auto scheme = impl_->https ? "https://" : "http://";
  return scheme + host + ":" + std::to_string(impl_->port);
}

std::string gateway::reload_tls() {
  if (!impl_->server)
    return "the gateway is not running";
  return impl_->server->reload_tls();
}

void gateway::stop(std::chrono::milliseconds grace) {
  auto& d = *impl_;
  if (d.stopped || !d.sys)
    return;
  d.stopped = true;
  // Intake answers 503 from now on; no new SOAP call starts, and the calls
  // under way get up to `grace` to finish. Whatever is unfinished stays
  // journaled and resumes at the next start.
  d.rules->draining = true;
  caf::anon_send(d.dispatcher, drain_atom_v);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (metrics().soap_in_flight() > 0
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // The server's handler holds actor handles: it must go before the actors
  // can terminate.
  if (d.server) {
    d.server->stop();
    d.server.reset();
  }
  {
    caf::scoped_actor self{*d.sys};
    self->request(d.intake, std::chrono::seconds(30), drain_atom_v)
      .receive([](bool) {},
               [](caf::error& err) {
                 spdlog::warn("intake did not drain: {}", to_string(err));
               });
    // Nothing runs here any more: the others may take every unfinished
    // request over at once instead of waiting for the lease to expire.
    if (d.member)
      self->request(d.member, std::chrono::seconds(30), leave_atom_v)
        .receive([](int64_t) {},
                 [](caf::error& err) {
                   spdlog::warn("cluster: leaving failed: {}",
                                to_string(err));
                 });
  }
  for (auto h : {caf::actor_cast<caf::actor>(d.alarm_engine),
                 caf::actor_cast<caf::actor>(d.alarm_reader),
                 caf::actor_cast<caf::actor>(d.intake),
                 caf::actor_cast<caf::actor>(d.replies),
                 caf::actor_cast<caf::actor>(d.dispatcher),
                 caf::actor_cast<caf::actor>(d.reader),
                 caf::actor_cast<caf::actor>(d.ops_store),
                 caf::actor_cast<caf::actor>(d.offloader),
                 caf::actor_cast<caf::actor>(d.janitor),
                 caf::actor_cast<caf::actor>(d.member),
                 caf::actor_cast<caf::actor>(d.journal)})
    caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  d.alarm_engine = nullptr;
  d.alarm_reader = nullptr;
  d.intake = nullptr;
  d.member = nullptr;
  d.shared.reset();
  d.replies = nullptr;
  d.ops_store = nullptr;
  d.offloader = nullptr;
  d.janitor = nullptr;
  d.dispatcher = nullptr;
  d.reader = nullptr;
  d.journal = nullptr;
  if (d.soap_client)
    d.soap_client->stop();
  for (auto& c : d.retired_clients)
    c->stop();
  if (d.reply_client)
    d.reply_client->stop();
  d.sys->await_all_actors_done();
  d.soap_client.reset();
  d.reply_client.reset();
  d.sys.reset();
  metrics().set_offload_source({});
  metrics().set_hold_source({});
}

std::map<std::string, std::string> load_runtime_config(const std::string& db,
                                                       bool reset) {
  // A connection of its own, closed again before the actors open theirs.
  auto store = storage::open_backend(db)->open_operator();
  if (reset)
    store->replace_runtime_config({});
  return store->runtime_config();
}

} // namespace usms::app
