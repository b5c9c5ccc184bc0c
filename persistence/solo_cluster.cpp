#include "persistence/solo_cluster.hpp"

namespace usms::storage {

lease_grant solo_cluster::join(const std::string& id, int64_t now,
                               int64_t lease_ms) {
  me_ = {};
  me_.id = id;
  me_.started_at = now;
  me_.heartbeat_at = now;
  me_.lease_until = now + lease_ms;
  return {1, me_.lease_until};
}

std::optional<lease_grant>
solo_cluster::renew(const std::string&, int64_t token, int64_t now,
                    int64_t lease_ms, const std::string& usms_state,
                    int64_t owned) {
  me_.heartbeat_at = now;
  me_.lease_until = now + lease_ms;
  me_.usms_state = usms_state;
  me_.owned = owned;
  return lease_grant{token, me_.lease_until};
}

std::vector<instance_row> solo_cluster::instances(int64_t) {
  auto me = me_;
  me.owned = unfinished();
  return {me};
}

} // namespace usms::storage
