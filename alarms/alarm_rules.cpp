#include "alarms/alarm_rules.hpp"

#include <algorithm>
#include <utility>

#include "alarms/alarm_key.hpp"
#include "alarms/alarm_notes.hpp"

namespace usms::alarms {

namespace {

int64_t ms(std::chrono::milliseconds d) {
  return d.count();
}

std::string reference_of(const alarm_record& r) {
  return external_reference(r.key, r.generation);
}

ticket_request request_for(const alarm_record& r, action act) {
  ticket_request req;
  req.act = act;
  req.type = r.type;
  req.source = r.source;
  req.reply_to = r.reply_to;
  req.correlation_id = reference_of(r);
  return req;
}

alarm_step create_step(const alarm_record& r, const alarm_event& e) {
  auto req = request_for(r, action::create);
  req.fields = e.fields;
  req.fields.erase("ExternalReference");
  req.external_reference = req.correlation_id;
  return {request_cause::alarm_firing, std::move(req)};
}

/// A firing the ticket has not heard of: with updates it waits for a note,
/// which the first one not told schedules.
void count_repeat(alarm_record& r, const alarm_event& e,
                  const rule_context& ctx) {
  if (!ctx.has_update)
    return;
  ++r.repeats;
  r.last_repeat_at = e.at;
  if (r.interval_ends_at == 0)
    r.interval_ends_at = e.at + ms(ctx.settings.update_interval);
}

void forget_untold(alarm_record& r) {
  r.repeats = 0;
  r.last_repeat_at = 0;
  r.interval_ends_at = 0;
}

void stop_flapping(alarm_record& r) {
  r.changes.clear();
  r.flapping = false;
  r.flap_noted = false;
}

/// Generation `generation` of the alarm begins with this firing.
alarm_step start_generation(alarm_record& r, const alarm_event& e,
                            int32_t generation) {
  r.type = e.type;
  r.phase = alarm_phase::open;
  r.ticket = alarm_ticket::creating;
  r.ticket_id.clear();
  r.generation = generation;
  r.occurrences = 1;
  r.first_at = r.last_at = e.at;
  r.resolved_at = 0;
  r.ticket_left_open = false;
  forget_untold(r);
  stop_flapping(r);
  return create_step(r, e);
}

bool within_reopen_window(const alarm_record& r, int64_t t,
                          const rule_context& ctx) {
  auto window = ms(ctx.settings.reopen_window);
  return window > 0 && t - r.resolved_at < window;
}

std::optional<alarm_step> apply_firing(alarm_record& r, const alarm_event& e,
                                       const rule_context& ctx) {
  switch (r.ticket) {
  case alarm_ticket::gone:
    return start_generation(r, e, r.generation + 1);
  case alarm_ticket::none: {
    // No ticket was made for this generation: make it, same reference.
    auto occurrences = r.occurrences;
    auto first_at = r.first_at;
    auto step = start_generation(r, e, r.generation);
    r.occurrences = occurrences + 1;
    r.first_at = first_at != 0 ? first_at : e.at;
    return step;
  }
  case alarm_ticket::creating:
    break;
  case alarm_ticket::open:
  case alarm_ticket::resolved:
    if (r.phase == alarm_phase::resolved && !within_reopen_window(r, e.at, ctx))
      return start_generation(r, e, r.generation + 1);
    break;
  }
  // A firing that reopens a resolved ticket is told by the reopen's note.
  bool reopen_tells
      = r.phase == alarm_phase::resolved && r.ticket == alarm_ticket::resolved;
  r.phase = alarm_phase::open;
  r.resolved_at = 0;
  r.ticket_left_open = false;
  ++r.occurrences;
  r.last_at = e.at;
  if (!reopen_tells)
    count_repeat(r, e, ctx);
  return std::nullopt;
}

void apply_clear(alarm_record& r, const alarm_event& e,
                 const rule_context& ctx) {
  if (r.phase != alarm_phase::open)
    return;
  r.phase = alarm_phase::resolved;
  r.resolved_at = e.at;
  // Decided now: a later change of the setting does not touch this ticket.
  r.ticket_left_open = !ctx.settings.auto_resolve;
}

/// Records a change between firing and cleared; may start flapping.
void note_change(alarm_record& r, int64_t t, const rule_context& ctx) {
  auto window = ms(ctx.settings.flap_window);
  auto threshold = static_cast<std::size_t>(ctx.settings.flap_threshold);
  // More than threshold + 1 changes are never needed to tell.
  auto keep = threshold + 1;
  r.changes.push_back(t);
  auto stale = std::find_if(r.changes.begin(), r.changes.end(),
                            [&](int64_t c) { return t - c < window; });
  r.changes.erase(r.changes.begin(), stale);
  if (r.changes.size() > keep)
    r.changes.erase(r.changes.begin(),
                    r.changes.end() - static_cast<std::ptrdiff_t>(keep));
  if (!r.flapping && r.changes.size() > threshold) {
    r.flapping = true;
    r.flap_noted = false;
  }
}

/// Ends a flapping that has been quiet for a whole window; true if it did.
bool end_quiet_flapping(alarm_record& r, const rule_context& ctx) {
  if (!r.flapping || r.changes.empty()
      || ctx.now < r.changes.back() + ms(ctx.settings.flap_window))
    return false;
  stop_flapping(r);
  return true;
}

void add_line(std::string& note, const std::string& line) {
  if (!note.empty())
    note += '\n';
  note += line;
}

/// The update the ticket is owed now, if any: a held or due status change,
/// the flapping note, untold repeats whose interval ended. One update says
/// all of it.
std::optional<alarm_step> settle(alarm_record& r, const rule_context& ctx,
                                 bool steady_again) {
  if (!ctx.has_update
      || (r.ticket != alarm_ticket::open && r.ticket != alarm_ticket::resolved))
    return std::nullopt;
  std::optional<request_cause> change;
  if (!r.flapping) {
    if (r.phase == alarm_phase::open && r.ticket == alarm_ticket::resolved)
      change = request_cause::alarm_reopened;
    else if (r.phase == alarm_phase::resolved && r.ticket == alarm_ticket::open
             && !r.ticket_left_open)
      change = request_cause::alarm_cleared;
  }
  bool flap_note = r.flapping && !r.flap_noted;
  bool interval_over = r.ticket == alarm_ticket::open && r.interval_ends_at != 0
                       && r.interval_ends_at <= ctx.now;
  bool tell_repeats = r.repeats > 0 && (change || flap_note || interval_over);
  if (!change && !flap_note && !tell_repeats)
    return std::nullopt;

  auto req = request_for(r, action::update);
  req.ticket_id = r.ticket_id;
  std::string note;
  if (change && steady_again)
    add_line(note, steady_note(r, ctx.settings.flap_window));
  if (change == request_cause::alarm_cleared) {
    req.fields["Status"] = "Resolved";
    if (r.type == ticket_type::incident)
      req.fields["ResolutionCode"] = ctx.settings.resolution_code;
    add_line(note, resolved_note(r));
    r.ticket = alarm_ticket::resolved;
  } else if (change == request_cause::alarm_reopened) {
    req.fields["Status"]
        = r.type == ticket_type::problem ? "Investigating" : "InProgress";
    add_line(note, reopened_note(r));
    r.ticket = alarm_ticket::open;
  }
  if (flap_note) {
    add_line(note, flapping_note(r, ctx.settings.flap_window));
    r.flap_noted = true;
  }
  if (tell_repeats) {
    add_line(note, repeats_note(r));
    forget_untold(r);
  }
  req.work_note = std::move(note);
  auto cause = change      ? *change
               : flap_note ? request_cause::alarm_flapping
                           : request_cause::alarm_repeat;
  return alarm_step{cause, std::move(req)};
}

std::optional<alarm_step> apply_event(alarm_record& r, const alarm_event& e,
                                      const rule_context& ctx) {
  r.source = e.source;
  r.reply_to = e.reply_to;
  bool change = e.signal != r.signal;
  r.signal = e.signal;
  if (e.signal == alarm_signal::firing) {
    // A create starts the flapping count afresh: no change is noted.
    if (auto create = apply_firing(r, e, ctx))
      return create;
  } else {
    apply_clear(r, e, ctx);
  }
  if (change)
    note_change(r, e.at, ctx);
  return std::nullopt;
}

void apply_seen(alarm_record& r, const ticket_seen& seen,
                const rule_context& ctx) {
  if (r.ticket_id.empty() || seen.ticket_id != r.ticket_id)
    return;
  auto when = seen.updated_at > 0 ? seen.updated_at : ctx.now;
  if (seen.status == "Closed" || seen.status == "Cancelled") {
    r.ticket = alarm_ticket::gone;
    r.phase = alarm_phase::closed;
    if (r.resolved_at == 0)
      r.resolved_at = when;
    forget_untold(r);
    stop_flapping(r);
  } else if (seen.status == "Resolved" && r.ticket == alarm_ticket::open) {
    r.ticket = alarm_ticket::resolved;
    if (r.phase == alarm_phase::open) {
      r.phase = alarm_phase::resolved;
      r.resolved_at = when;
    }
  }
}

bool is_current_create(const alarm_record& r, const std::string& reference) {
  return r.ticket == alarm_ticket::creating && reference == reference_of(r);
}

} // namespace

alarm_decision decide(const std::optional<alarm_record>& record,
                      const alarm_input& input, const rule_context& ctx) {
  if (!record) {
    auto* e = std::get_if<alarm_event>(&input);
    if (!e || e->signal != alarm_signal::firing)
      return {};
    alarm_record r;
    r.key = e->key;
    r.source = e->source;
    r.reply_to = e->reply_to;
    auto step = start_generation(r, *e, 1);
    return {std::move(r), std::move(step)};
  }
  auto r = *record;
  // A flapping whose window ran out before this input ends first, so that
  // the input acts on a steady alarm.
  bool steady_again = end_quiet_flapping(r, ctx);
  std::optional<alarm_step> step;
  if (auto* e = std::get_if<alarm_event>(&input)) {
    step = apply_event(r, *e, ctx);
  } else if (auto* created = std::get_if<ticket_created>(&input)) {
    if (is_current_create(r, created->external_reference)) {
      r.ticket = alarm_ticket::open;
      r.ticket_id = created->ticket_id;
    }
  } else if (auto* failed = std::get_if<create_failed>(&input)) {
    if (is_current_create(r, failed->external_reference)) {
      r.ticket = alarm_ticket::none;
      forget_untold(r);
    }
  } else if (auto* seen = std::get_if<ticket_seen>(&input)) {
    apply_seen(r, *seen, ctx);
  }
  if (!step)
    step = settle(r, ctx, steady_again);
  return {std::move(r), std::move(step)};
}

std::optional<int64_t> due(const alarm_record& r, const rule_context& ctx) {
  std::optional<int64_t> at;
  if (ctx.has_update && r.repeats > 0 && r.interval_ends_at != 0
      && r.ticket == alarm_ticket::open)
    at = r.interval_ends_at;
  if (r.flapping && !r.changes.empty()) {
    auto end = r.changes.back() + ms(ctx.settings.flap_window);
    at = at ? std::min(*at, end) : end;
  }
  return at;
}

bool forgettable(const alarm_record& r, const rule_context& ctx) {
  if (r.phase == alarm_phase::open || r.flapping
      || r.ticket == alarm_ticket::creating)
    return false;
  return ctx.now - r.resolved_at >= ms(ctx.settings.keep);
}

} // namespace usms::alarms
