#pragma once

/// The alarms as the alarm engine and the API read them, on a read
/// connection of their own (owned by the alarm store actor): one alarm, a
/// page of them, the alarms of some tickets, those old enough to forget,
/// and what the engine needs at start. Alarms are written only by the
/// journal (journal_store::write_alarm), in the same transaction as the
/// requests their events cause. Synchronous and blocking; throws
/// storage_error.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/alarm_store.hpp"

namespace usms::storage {

class alarm_store {
public:
  virtual ~alarm_store() = default;

  /// One alarm with its row's version, or nullopt.
  virtual std::optional<stored_alarm> alarm(const std::string& key) = 0;

  /// The alarms of these keys that exist.
  virtual std::vector<stored_alarm>
  alarms(const std::vector<std::string>& keys) = 0;

  /// One page of alarms (newest last event first) and how many match.
  virtual alarm_page list(const alarm_filter& f) = 0;

  /// The alarms whose current ticket is one of `ticket_ids`.
  virtual std::vector<stored_alarm>
  by_tickets(const std::vector<std::string>& ticket_ids) = 0;

  /// Up to `limit` keys of resolved or closed alarms with
  /// 0 < resolved_at <= `before`: the candidates for forgetting.
  virtual std::vector<std::string> resolved_before(int64_t before,
                                                   int32_t limit)
    = 0;

  /// What the engine needs when it starts (messages/alarm_store.hpp).
  virtual alarm_startup startup() = 0;
};

} // namespace usms::storage
