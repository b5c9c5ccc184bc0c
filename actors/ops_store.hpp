#pragma once

/// The operator side's store: a detached actor with its own SQLite
/// connection that answers the status table, trend, queue, reply-route and
/// runtime-config queries, and samples the Number of Incidents every
/// `trend.interval`.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "caf/fwd.hpp"
#include "caf/meta/type_name.hpp"
#include "caf/replies_to.hpp"
#include "messages/type_ids.hpp"
#include "persistence/ops_db.hpp"

namespace usms {

/// The sampler's settings (trend.interval, trend.keep).
struct trend_settings {
  int64_t interval_ms = 60'000;
  int64_t keep_ms = 30LL * 24 * 3600 * 1000;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trend_settings& x) {
  return f(caf::meta::type_name("trend_settings"), x.interval_ms, x.keep_ms);
}

/// Trend samples as one message value.
struct trend_series {
  std::vector<db::trend_sample> samples;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trend_series& x) {
  return f(caf::meta::type_name("trend_series"), x.samples);
}

/// Every reply route as one message value.
struct route_list {
  std::vector<db::reply_route> routes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, route_list& x) {
  return f(caf::meta::type_name("route_list"), x.routes);
}

/// Saved runtime settings (dotted key → JSON text). Holds the password when
/// one was saved: never log it (no deep_to_string of this type).
struct runtime_values {
  std::map<std::string, std::string> values;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, runtime_values& x) {
  return f(caf::meta::type_name("runtime_values"), x.values);
}

namespace db {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, status_filter& x) {
  return f(caf::meta::type_name("status_filter"), x.status, x.action, x.type,
           x.source, x.since, x.until, x.q, x.limit, x.offset);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, status_page& x) {
  return f(caf::meta::type_name("status_page"), x.total, x.entries, x.rows);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trend_sample& x) {
  return f(caf::meta::type_name("trend_sample"), x.at, x.count);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, queue_filter& x) {
  return f(caf::meta::type_name("queue_filter"), x.states, x.type, x.source,
           x.limit, x.offset);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, queue_page& x) {
  return f(caf::meta::type_name("queue_page"), x.total, x.requests);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reply_route& x) {
  return f(caf::meta::type_name("reply_route"), x.source, x.url);
}

} // namespace db

} // namespace usms

// A fixed offset far past the gateway's block (and the offload block that
// follows it): two blocks must never share an id, or a TU that includes
// both fails to compile.
CAF_BEGIN_TYPE_ID_BLOCK(usms_ops, caf::first_custom_type_id + 500)
  CAF_ADD_ATOM(usms_ops, usms, ops_status_atom, "opsstatus")
  CAF_ADD_ATOM(usms_ops, usms, ops_trend_atom, "opstrend")
  CAF_ADD_ATOM(usms_ops, usms, ops_queue_atom, "opsqueue")
  CAF_ADD_ATOM(usms_ops, usms, ops_route_atom, "opsroute")
  CAF_ADD_ATOM(usms_ops, usms, reply_route_atom, "replyroute")
  CAF_ADD_ATOM(usms_ops, usms, ops_config_atom, "opsconfig")
  CAF_ADD_ATOM(usms_ops, usms, ops_sample_atom, "opssample")
  CAF_ADD_TYPE_ID(usms_ops, (usms::trend_settings))
  CAF_ADD_TYPE_ID(usms_ops, (usms::trend_series))
  CAF_ADD_TYPE_ID(usms_ops, (usms::route_list))
  CAF_ADD_TYPE_ID(usms_ops, (usms::runtime_values))
  CAF_ADD_TYPE_ID(usms_ops, (usms::db::status_filter))
  CAF_ADD_TYPE_ID(usms_ops, (usms::db::status_page))
  CAF_ADD_TYPE_ID(usms_ops, (usms::db::trend_sample))
  CAF_ADD_TYPE_ID(usms_ops, (usms::db::queue_filter))
  CAF_ADD_TYPE_ID(usms_ops, (usms::db::queue_page))
  CAF_ADD_TYPE_ID(usms_ops, (usms::db::reply_route))
CAF_END_TYPE_ID_BLOCK(usms_ops)

static_assert(caf::id_block::usms_gateway::end + 100
                <= caf::id_block::usms_ops::begin,
              "the usms_ops type ids must stay clear of the gateway's block "
              "and the blocks that follow it");

namespace usms {

/// The operator store's typed interface.
///
/// - `(ops_status_atom, status_filter)` → a page of the status table.
/// - `(ops_status_atom)` → all status rows (the Number of Incidents).
/// - `(ops_trend_atom, since_ms, until_ms)` → samples in [since, until].
/// - `(ops_trend_atom, trend_settings)` → new sampler settings; samples now.
/// - `(ops_queue_atom, queue_filter)` → a page of the request queue.
/// - `(ops_route_atom)` → every route; `(ops_route_atom, get, source)` →
///   its url or ""; `(ops_route_atom, put, source, url)`;
///   `(ops_route_atom, delete, source)` → false when unknown.
/// - `(reply_route_atom, source)` → where a reply for `source` goes: its
///   route, else the default route `*`, else "" (for the reply dispatcher).
/// - `(ops_config_atom)` → the saved runtime values;
///   `(ops_config_atom, put, values)` upserts them and answers what was saved
///   before; `(ops_config_atom, reset_atom, values)` makes the saved values
///   exactly `values` (empty: none).
using ops_store_actor = caf::typed_actor<
  caf::replies_to<ops_status_atom, db::status_filter>::with<db::status_page>,
  caf::replies_to<ops_status_atom>::with<int64_t>,
  caf::replies_to<ops_trend_atom, int64_t, int64_t>::with<trend_series>,
  caf::reacts_to<ops_trend_atom, trend_settings>,
  caf::replies_to<ops_queue_atom, db::queue_filter>::with<db::queue_page>,
  caf::replies_to<ops_route_atom>::with<route_list>,
  caf::replies_to<ops_route_atom, caf::get_atom, std::string>::with<
    std::string>,
  caf::replies_to<ops_route_atom, caf::put_atom, std::string,
                  std::string>::with<bool>,
  caf::replies_to<ops_route_atom, caf::delete_atom, std::string>::with<bool>,
  caf::replies_to<reply_route_atom, std::string>::with<std::string>,
  caf::replies_to<ops_config_atom>::with<runtime_values>,
  caf::replies_to<ops_config_atom, caf::put_atom, runtime_values>::with<
    runtime_values>,
  caf::replies_to<ops_config_atom, caf::reset_atom, runtime_values>::with<
    bool>>;

/// Spawns the store on a thread of its own with its own connection to
/// `path` (WAL: it reads while the journal writes). It takes a first trend
/// sample at once, then one per `trend.interval` at whole multiples of it,
/// and drops samples older than `trend.keep`. Throws db::sqlite_error when
/// the database cannot be opened.
ops_store_actor spawn_ops_store(caf::actor_system& sys,
                                const std::string& path,
                                trend_settings trend);

} // namespace usms
