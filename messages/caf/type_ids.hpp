#pragma once

/// The gateway's CAF message vocabulary: the one type-ID block with every
/// atom and message type. Light on purpose (no typed_actor.hpp here).
/// Register it with `add_message_types<caf::id_block::usms_gateway>()`.

#include "caf/fwd.hpp"
#include "caf/type_id.hpp"
#include "messages/caf/inspect.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(usms_gateway, caf::first_custom_type_id)
  // journal
  CAF_ADD_ATOM(usms_gateway, usms, append_atom, "append")
  CAF_ADD_ATOM(usms_gateway, usms, progress_atom, "progress")
  CAF_ADD_ATOM(usms_gateway, usms, finish_atom, "finish")
  CAF_ADD_ATOM(usms_gateway, usms, confirmed_atom, "confirmed")
  CAF_ADD_ATOM(usms_gateway, usms, resume_atom, "resume")
  CAF_ADD_ATOM(usms_gateway, usms, flush_atom, "flush")
  CAF_ADD_ATOM(usms_gateway, usms, requeue_atom, "requeue")
  CAF_ADD_ATOM(usms_gateway, usms, pending_replies_atom, "pendreply")
  CAF_ADD_ATOM(usms_gateway, usms, reply_state_atom, "replystate")
  // intake and supervision
  CAF_ADD_ATOM(usms_gateway, usms, submit_atom, "submit")
  CAF_ADD_ATOM(usms_gateway, usms, wait_atom, "wait")
  CAF_ADD_ATOM(usms_gateway, usms, cancel_atom, "cancel")
  CAF_ADD_ATOM(usms_gateway, usms, retry_atom, "retry")
  CAF_ADD_ATOM(usms_gateway, usms, done_atom, "done")
  CAF_ADD_ATOM(usms_gateway, usms, start_atom, "start")
  CAF_ADD_ATOM(usms_gateway, usms, timeout_atom, "timeout")
  CAF_ADD_ATOM(usms_gateway, usms, drain_atom, "drain")
  // dispatch
  CAF_ADD_ATOM(usms_gateway, usms, acquire_atom, "acquire")
  CAF_ADD_ATOM(usms_gateway, usms, release_atom, "release")
  CAF_ADD_ATOM(usms_gateway, usms, dispatch_atom, "dispatch")
  CAF_ADD_ATOM(usms_gateway, usms, call_done_atom, "call_done")
  CAF_ADD_ATOM(usms_gateway, usms, tick_atom, "tick")
  CAF_ADD_ATOM(usms_gateway, usms, settings_atom, "settings")
  CAF_ADD_ATOM(usms_gateway, usms, stats_atom, "stats")
  CAF_ADD_ATOM(usms_gateway, usms, usms_atom, "usms")
  CAF_ADD_ATOM(usms_gateway, usms, pause_atom, "pause")
  CAF_ADD_ATOM(usms_gateway, usms, resume_dispatch_atom, "resumedisp")
  CAF_ADD_ATOM(usms_gateway, usms, probe_atom, "probe")
  CAF_ADD_ATOM(usms_gateway, usms, listen_atom, "listen")
  // replies
  CAF_ADD_ATOM(usms_gateway, usms, reply_atom, "reply")
  CAF_ADD_ATOM(usms_gateway, usms, replied_atom, "replied")
  // operator store
  CAF_ADD_ATOM(usms_gateway, usms, ops_status_atom, "opsstatus")
  CAF_ADD_ATOM(usms_gateway, usms, ops_trend_atom, "opstrend")
  CAF_ADD_ATOM(usms_gateway, usms, ops_queue_atom, "opsqueue")
  CAF_ADD_ATOM(usms_gateway, usms, ops_route_atom, "opsroute")
  CAF_ADD_ATOM(usms_gateway, usms, reply_route_atom, "replyroute")
  CAF_ADD_ATOM(usms_gateway, usms, ops_config_atom, "opsconfig")
  CAF_ADD_ATOM(usms_gateway, usms, ops_sample_atom, "opssample")
  // offload
  CAF_ADD_ATOM(usms_gateway, usms, offload_atom, "offload")
  CAF_ADD_ATOM(usms_gateway, usms, sweep_atom, "sweep")
  CAF_ADD_TYPE_ID(usms_gateway, (usms::ticket_request))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::request_progress))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::request_outcome))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::request_record))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::soap::call))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::call_result))
  CAF_ADD_TYPE_ID(usms_gateway, (std::vector<usms::request_record>))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::status_row))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::pipeline_settings))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::dispatcher_settings))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::usms_status))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::trend_settings))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::trend_series))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::route_list))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::runtime_values))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::status_filter))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::status_page))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::trend_sample))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::queue_filter))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::queue_page))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::reply_route))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::offload::offload_options))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::offload::offload_report))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::offload::janitor_report))
  CAF_ADD_TYPE_ID(usms_gateway, (usms::reply_state_update))
  CAF_ADD_TYPE_ID(usms_gateway, (std::vector<usms::reply_state_update>))
CAF_END_TYPE_ID_BLOCK(usms_gateway)
