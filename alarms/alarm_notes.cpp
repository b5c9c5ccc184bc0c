#include "alarms/alarm_notes.hpp"

#include "common/iso_time.hpp"
#include "config/units.hpp"

namespace usms::alarms {

namespace {

std::string alarm(const alarm_record& r) {
  return "Alarm " + r.key;
}

std::string more_times(int64_t n) {
  return std::to_string(n) + (n == 1 ? " more time" : " more times");
}

} // namespace

std::string repeats_note(const alarm_record& r) {
  return alarm(r) + " fired " + more_times(r.repeats)
         + " since the last note, the last at "
         + format_iso8601_utc(r.last_repeat_at) + " ("
         + std::to_string(r.occurrences) + " occurrences in all).";
}

std::string resolved_note(const alarm_record& r) {
  return alarm(r) + " cleared at " + format_iso8601_utc(r.resolved_at)
         + ": the gateway resolves this ticket.";
}

std::string reopened_note(const alarm_record& r) {
  return alarm(r) + " is firing again (at " + format_iso8601_utc(r.last_at)
         + "): the gateway reopens this ticket.";
}

std::string flapping_note(const alarm_record& r,
                          std::chrono::milliseconds window) {
  auto w = config::format_duration(window);
  return alarm(r) + " is flapping: " + std::to_string(r.changes.size())
         + " changes between firing and cleared within " + w
         + ". The gateway holds resolving and reopening this ticket until "
           "the alarm stays firing or cleared for "
         + w + ".";
}

std::string steady_note(const alarm_record& r,
                        std::chrono::milliseconds window) {
  return alarm(r) + " stayed " + std::string{to_string(r.signal)} + " for "
         + config::format_duration(window) + " and is no longer flapping.";
}

} // namespace usms::alarms
