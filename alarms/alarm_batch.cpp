#include "alarms/alarm_batch.hpp"

namespace usms::alarms {

namespace {

bool closed_by_people(const std::string& status) {
  return status == "Closed" || status == "Cancelled";
}

} // namespace

batch_outcome decide_batch(const std::optional<alarm_record>& record,
                           const std::vector<batch_input>& inputs,
                           const rule_context& ctx, bool steps_unfinished) {
  batch_outcome out;
  auto& r = out.record;
  r = record;
  for (auto& in : inputs) {
    input_outcome o;
    o.had_alarm = r.has_value();
    switch (in.kind) {
      case batch_kind::forget:
        r.reset();
        break;
      case batch_kind::sweep:
        if (r && forgettable(*r, ctx))
          r.reset();
        break;
      case batch_kind::rule: {
        auto* seen = std::get_if<ticket_seen>(&in.input);
        if (seen && !closed_by_people(seen->status)
            && (steps_unfinished || !out.steps.empty()))
          break;
        auto d = decide(r, in.input, ctx);
        r = std::move(d.record);
        if (d.step) {
          o.step = out.steps.size();
          out.steps.push_back(std::move(*d.step));
        }
        break;
      }
    }
    o.after = r;
    out.inputs.push_back(std::move(o));
  }
  return out;
}

} // namespace usms::alarms
