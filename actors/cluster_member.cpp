#include "actors/cluster_member.hpp"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "caf/actor_system.hpp"
#include "caf/send.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "messages/caf/errors.hpp"

namespace usms {

namespace {

using member_impl = cluster_member_actor::extend<caf::reacts_to<tick_atom>>;

/// Requests claimed per query; a full chunk claims again at once.
constexpr int32_t claim_chunk = 5000;

struct member_state {
  cluster_member_deps deps;
  int64_t tick_ms = 1000;
  int64_t renew_due = 0; ///< steady ms
  /// The first claims after joining took everything there was.
  bool claimed_all = false;
  bool left = false;
  /// The shared version last seen; -1 before the first look.
  int64_t shared_seen = -1;
  /// A storage failure is logged once per streak.
  bool failing = false;
  static inline const char* name = "cluster-member";
};

using self_ptr = member_impl::stateful_pointer<member_state>;

void failed(self_ptr self, const char* what, const std::exception& e) {
  auto& st = self->state;
  if (!st.failing)
    spdlog::warn("cluster: {} failed: {}; trying again", what, e.what());
  st.failing = true;
}

/// Renews the lease when due; false when it was taken over.
bool renew(self_ptr self) {
  auto& st = self->state;
  auto& d = st.deps;
  auto asked_at = cluster_board::steady_ms();
  if (asked_at < st.renew_due)
    return true;
  std::string usms_state = d.usms ? d.usms->status().state : std::string{};
  auto grant = d.store->renew(d.instance_id, d.token, now_ms(), d.lease_ms,
                              usms_state, d.board->owned());
  if (!grant)
    return false;
  d.board->granted(asked_at, d.lease_ms);
  st.renew_due = asked_at + d.lease_ms / 3;
  return true;
}

/// Claims what is free and what was handed over; true when there may be
/// more right away.
bool claim(self_ptr self) {
  auto& st = self->state;
  auto& d = st.deps;
  auto rows = d.store->claim(d.instance_id, d.token, now_ms(), claim_chunk);
  bool more = static_cast<int32_t>(rows.size()) == claim_chunk;
  auto handed = d.store->handed_over(d.instance_id, d.token, claim_chunk);
  more = more || static_cast<int32_t>(handed.size()) == claim_chunk;
  rows.insert(rows.end(), std::make_move_iterator(handed.begin()),
              std::make_move_iterator(handed.end()));
  bool complete = st.claimed_all || !more;
  if (!rows.empty() || (complete && !st.claimed_all)) {
    if (!rows.empty())
      spdlog::info("cluster: took {} request(s) over", rows.size());
    self->send(d.intake, claimed_atom_v, std::move(rows), complete);
  }
  st.claimed_all = complete;
  // Alone on its storage, the intake's own backlog is the whole of it.
  if (d.store->shared()) {
    d.board->set_others_unfinished(
      d.store->unfinished_elsewhere(d.instance_id));
    d.board->set_live_instances(
      static_cast<int64_t>(d.store->instances(now_ms()).size()));
    auto version = d.store->shared_version();
    if (version != st.shared_seen && d.on_shared_change) {
      st.shared_seen = version;
      d.on_shared_change();
    }
  }
  return more;
}

cluster_view view_of(member_state& st) {
  auto& d = st.deps;
  cluster_view view;
  view.self = d.instance_id;
  std::string leader = d.store->leader(now_ms());
  for (auto& row : d.store->instances(now_ms())) {
    cluster_instance i;
    i.id = row.id;
    i.started_at = row.started_at;
    i.heartbeat_at = row.heartbeat_at;
    i.owned = row.owned;
    i.usms = row.usms_state;
    i.leads = row.id == leader;
    view.instances.push_back(std::move(i));
  }
  return view;
}

void tick(self_ptr self) {
  auto& st = self->state;
  if (st.left)
    return;
  bool more = false;
  try {
    if (!renew(self)) {
      st.left = true;
      st.deps.board->revoke();
      spdlog::critical("cluster: the lease of {} was taken over (this "
                       "instance was paused or cut off longer than "
                       "cluster.lease); its requests are another "
                       "instance's now, so it stops",
                       st.deps.instance_id);
      if (st.deps.on_lost)
        st.deps.on_lost();
      return;
    }
    // Only under a valid lease: a claim under a lapsed one would take
    // requests this instance may not send.
    if (st.deps.board->may_send()) {
      more = claim(self);
      bool leads = st.deps.store->lead(st.deps.instance_id, st.deps.token,
                                       now_ms(), st.deps.lease_ms);
      if (leads != st.deps.board->leading() && st.deps.store->shared())
        spdlog::info("cluster: {} {} the offload, the janitor and the trend",
                     st.deps.instance_id, leads ? "runs" : "no longer runs");
      st.deps.board->set_leading(leads);
    } else {
      st.deps.board->set_leading(false);
    }
    if (st.failing)
      spdlog::info("cluster: storage reachable again");
    st.failing = false;
  } catch (const std::exception& e) {
    failed(self, "lease renewal or claim", e);
  }
  if (more)
    self->send(self, tick_atom_v);
  else
    self->delayed_send(self, std::chrono::milliseconds(st.tick_ms),
                       tick_atom_v);
}

member_impl::behavior_type member(self_ptr self, cluster_member_deps deps) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.tick_ms = std::clamp<int64_t>(st.deps.lease_ms / 3, 50, 1000);
  // Joining granted the first lease: the next renewal is a third of it on.
  st.renew_due = cluster_board::steady_ms() + st.deps.lease_ms / 3;
  self->send(self, tick_atom_v);
  return {
    [=](tick_atom) { tick(self); },
    [=](cluster_atom) -> caf::result<cluster_view> {
      auto& st = self->state;
      try {
        return view_of(st);
      } catch (const std::exception& e) {
        return caf::make_error(gateway_errc::storage, std::string{e.what()});
      }
    },
    [=](leave_atom) -> caf::result<int64_t> {
      auto& st = self->state;
      if (st.left)
        return int64_t{0};
      st.left = true;
      // Nothing leaves from here once the requests are handed back.
      st.deps.board->revoke();
      st.deps.board->set_leading(false);
      try {
        auto n = st.deps.store->leave(st.deps.instance_id, st.deps.token);
        if (n > 0)
          spdlog::info("cluster: handed {} unfinished request(s) back", n);
        return n;
      } catch (const std::exception& e) {
        spdlog::warn("cluster: handing requests back failed: {}; the others "
                     "take them over once the lease expires",
                     e.what());
        return int64_t{0};
      }
    },
  };
}

} // namespace

cluster_member_actor spawn_cluster_member(caf::actor_system& sys,
                                          cluster_member_deps deps) {
  return sys.spawn<caf::detached>(member, std::move(deps));
}

} // namespace usms
