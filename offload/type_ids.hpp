#pragma once

/// The offload actors' message vocabulary: a type-ID block of its own that
/// continues the gateway's. Register it with
/// `add_message_types<caf::id_block::usms_offload>()`.

#include "caf/type_id.hpp"
#include "messages/type_ids.hpp"
#include "offload/options.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(usms_offload, caf::id_block::usms_gateway::end)
  CAF_ADD_ATOM(usms_offload, usms, offload_atom, "offload")
  CAF_ADD_ATOM(usms_offload, usms, sweep_atom, "sweep")
  CAF_ADD_TYPE_ID(usms_offload, (usms::offload::offload_options))
  CAF_ADD_TYPE_ID(usms_offload, (usms::offload::offload_report))
  CAF_ADD_TYPE_ID(usms_offload, (usms::offload::janitor_report))
CAF_END_TYPE_ID_BLOCK(usms_offload)
