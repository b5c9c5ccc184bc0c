#pragma once

/// The cluster of one: storage that only one instance uses (a SQLite
/// file). That instance owns every request, leads, and has nothing to
/// claim or hand back (see persistence/cluster_store.hpp).

#include <functional>
#include <string>

#include "persistence/cluster_store.hpp"

namespace usms::storage {

class solo_cluster : public cluster_store {
public:
  /// `count_unfinished` counts the unfinished requests on the storage's
  /// own connection.
  explicit solo_cluster(std::function<int64_t()> count_unfinished)
    : count_unfinished_(std::move(count_unfinished)) {}

  bool shared() const override { return false; }
  lease_grant join(const std::string& id, int64_t now,
                   int64_t lease_ms) override;
  std::optional<lease_grant> renew(const std::string& id, int64_t token,
                                   int64_t now, int64_t lease_ms,
                                   const std::string& usms_state,
                                   int64_t owned) override;
  /// Nothing to take: this instance owns every request already.
  std::vector<index_row> claim(const std::string&, int64_t, int64_t,
                               int32_t) override {
    return {};
  }
  std::vector<index_row> handed_over(const std::string&, int64_t,
                                     int32_t) override {
    return {};
  }
  /// Nobody to hand to: what is unfinished resumes at the next start.
  int64_t leave(const std::string&, int64_t) override { return 0; }
  std::vector<instance_row> instances(int64_t now) override;
  int64_t unfinished() override { return count_unfinished_(); }
  int64_t unfinished_elsewhere(const std::string&) override { return 0; }
  bool lead(const std::string&, int64_t, int64_t, int64_t) override {
    return true;
  }
  std::string leader(int64_t) override { return me_.id; }
  /// This instance applies its own changes at once: nothing to poll.
  int64_t shared_version() override { return 0; }

private:
  std::function<int64_t()> count_unfinished_;
  instance_row me_;
};

} // namespace usms::storage
