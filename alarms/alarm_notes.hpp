#pragma once

/// The work notes the alarm rules write on tickets, one sentence each: what
/// happened to the alarm and what the gateway does about it, for the people
/// who read the ticket.

#include <chrono>
#include <string>

#include "messages/alarm.hpp"

namespace usms::alarms {

/// "Alarm K fired 3 more times since the last note, the last at T (4
/// occurrences in all)."
std::string repeats_note(const alarm_record& r);

/// "Alarm K cleared at T: the gateway resolves this ticket."
std::string resolved_note(const alarm_record& r);

/// "Alarm K is firing again (at T): the gateway reopens this ticket."
std::string reopened_note(const alarm_record& r);

/// "Alarm K is flapping: N changes between firing and cleared within W. The
/// gateway holds resolving and reopening this ticket until the alarm stays
/// firing or cleared for W."
std::string flapping_note(const alarm_record& r,
                          std::chrono::milliseconds window);

/// "Alarm K stayed cleared for W and is no longer flapping."
std::string steady_note(const alarm_record& r,
                        std::chrono::milliseconds window);

} // namespace usms::alarms
