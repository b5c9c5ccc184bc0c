#pragma once

/// Several inputs of one alarm decided in a row, as the alarm engine
/// journals them together: the alarm after each input and after all of
/// them, and the steps in order. Besides the inputs of the rules, an
/// operator may forget the alarm, and retention may forget it once it is
/// forgettable. Pure; CAF-free.

#include <cstddef>
#include <optional>
#include <vector>

#include "alarms/alarm_rules.hpp"

namespace usms::alarms {

/// What one input of a batch is.
enum class batch_kind : uint8_t {
  rule,   ///< an input of the rules (`alarm_input`)
  forget, ///< an operator forgets the alarm
  sweep,  ///< retention: forget the alarm if it is forgettable now
};

struct batch_input {
  batch_kind kind = batch_kind::rule;
  alarm_input input = timer_due{};
};

/// What one input did.
struct input_outcome {
  bool had_alarm = false; ///< an alarm existed before it
  /// The alarm after it; nullopt when there is none.
  std::optional<alarm_record> after;
  /// The index in `batch_outcome::steps` of the step it caused.
  std::optional<std::size_t> step;
};

struct batch_outcome {
  std::optional<alarm_record> record; ///< after every input
  std::vector<alarm_step> steps;
  std::vector<input_outcome> inputs; ///< one per input, in order
};

/// Decides `inputs` in order, starting from `record`. A sighting other
/// than Closed or Cancelled is skipped while `steps_unfinished` or once
/// the batch made a step: it may have been taken before a queued step of
/// the gateway's own ran, and would be read as something people did.
batch_outcome decide_batch(const std::optional<alarm_record>& record,
                           const std::vector<batch_input>& inputs,
                           const rule_context& ctx, bool steps_unfinished);

} // namespace usms::alarms
