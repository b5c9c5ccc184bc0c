#pragma once

// Alarm integration tests' helpers on top of gateway_stack: post events,
// read alarms, look at and change tickets in the simulator as people would,
// count status rows by cause, and wait for the gateway to be idle.

#include <chrono>
#include <string>

#include <rapidjson/document.h>

#include "tests/support/gateway_stack.hpp"

namespace usms::test {

/// `key` percent-encoded for a URL path (`/` as %2F).
std::string encode_key(const std::string& key);

/// The body of an alarm event; `summary` is sent for firings.
std::string alarm_body(const std::string& key, const std::string& state,
                       const std::string& type = "incident",
                       const std::string& summary = "Alarm in a test");

/// POSTs an event, requires 202 and returns the answer.
rapidjson::Document post_alarm(gateway_stack& env, const std::string& key,
                               const std::string& state,
                               const std::string& type = "incident");

/// GET /api/v1/alarms/{key}: the alarm, requiring 200.
rapidjson::Document get_alarm(gateway_stack& env, const std::string& key);

/// Polls the alarm until `pred` holds; fails the test after `timeout`.
rapidjson::Document
wait_alarm(gateway_stack& env, const std::string& key,
           const std::function<bool(const rapidjson::Value&)>& pred,
           const std::string& what,
           std::chrono::milliseconds timeout = std::chrono::seconds(15));

/// Waits until the alarm has a ticket and returns its id.
std::string wait_ticket(gateway_stack& env, const std::string& key);

/// The simulator's view of a ticket: `{"ticket": {...}, "work_notes": []}`.
rapidjson::Document sim_ticket(gateway_stack& env, const std::string& id);

/// The ticket's Status in the simulator.
std::string sim_status(gateway_stack& env, const std::string& id);

/// Waits until the simulator's ticket has `status`.
void wait_sim_status(gateway_stack& env, const std::string& id,
                     const std::string& status);

/// Changes a ticket in the simulator as a person would (PUT
/// /admin/tickets/{id}), requiring 200.
void set_sim_status(gateway_stack& env, const std::string& id,
                    const std::string& status);

/// Status-table rows with this cause (`alarm_repeat`, …).
int64_t rows_with_cause(gateway_stack& env, const std::string& cause);

/// Waits until no request is unfinished.
void wait_idle(gateway_stack& env,
               std::chrono::milliseconds timeout = std::chrono::seconds(20));

} // namespace usms::test
