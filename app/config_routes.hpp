#pragma once

/// GET /api/v1/config (the settings in force, secrets hidden, with where
/// each value came from) and PUT /api/v1/config (changes the keys marked
/// runtime: checked, saved, then put in force; when they cannot be put in
/// force, the saved values go back as they were).

#include <memory>

#include "app/config_gate.hpp"
#include "app/ops_context.hpp"
#include "transport/http_server.hpp"

namespace usms::app {

/// Answers GET and PUT on /api/v1/config (405 for other methods). PUTs run
/// one at a time through `gate`.
void handle_config(const std::shared_ptr<ops_context>& ctx,
                   const std::shared_ptr<config_gate>& gate,
                   http::request& req, http::responder respond);

} // namespace usms::app
