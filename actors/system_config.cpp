#include "actors/system_config.hpp"

#include "caf/atom.hpp"
#include "caf/deep_to_string.hpp"
#include "caf/message.hpp"
#include "messages/caf/errors.hpp"
#include "messages/caf/type_ids.hpp"

namespace usms {

gateway_system_config::gateway_system_config() {
  add_message_types<caf::id_block::usms_gateway>();
  add_error_category(caf::atom("usms"), [](uint8_t code, caf::atom_value,
                                           const caf::message& ctx) {
    auto text = "usms." + to_string(static_cast<gateway_errc>(code));
    if (!ctx.empty())
      text += ": " + caf::deep_to_string(ctx);
    return text;
  });
}

} // namespace usms
