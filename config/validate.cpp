#include "config/validate.hpp"

#include "config/keys.hpp"

namespace usms::config {

namespace {

std::string describe(const std::string& key, const std::string& value,
                     const source_map* sources) {
  std::string out = key + " (" + value;
  if (sources != nullptr)
    if (auto i = sources->find(key); i != sources->end())
      out += ", from " + std::string{to_string(i->second)};
  out += ')';
  return out;
}

std::string text_of(const std::string& dotted, const settings& s) {
  const auto* key = find_key(dotted);
  return key != nullptr ? format_text(*key, key->get(s)) : std::string{};
}

} // namespace

std::optional<usms::failure> check_consistency(const settings& s,
                                               const source_map* sources) {
  auto pair = [&](const std::string& a, const std::string& b,
                  std::string_view relation) {
    return usms::failure{describe(a, text_of(a, s), sources) + " "
                             + std::string{relation} + " "
                             + describe(b, text_of(b, s), sources),
                         a};
  };
  if (s.offload.amount > s.offload.max_entries)
    return pair("offload.amount", "offload.max_entries", "must not exceed");
  if (s.soap.backoff_base > s.soap.backoff_max)
    return pair("soap.backoff_base", "soap.backoff_max", "must not exceed");
  if (!s.usms.client_key.empty() && s.usms.client_cert.empty())
    return usms::failure{"usms.client_key is set but usms.client_cert is "
                         "empty",
                         "usms.client_key"};
  // https needs both files; one alone is a mistake, not plain http.
  auto set_alone = [&](const std::string& a, const std::string& b) {
    return usms::failure{describe(a, text_of(a, s), sources) + " is set but "
                             + b
                             + " is empty: set both to serve https, or "
                               "neither for http",
                         a};
  };
  if (!s.server.tls_cert.empty() && s.server.tls_key.empty())
    return set_alone("server.tls_cert", "server.tls_key");
  if (!s.server.tls_key.empty() && s.server.tls_cert.empty())
    return set_alone("server.tls_key", "server.tls_cert");
  if (!s.server.tls_client_ca.empty() && s.server.tls_cert.empty())
    return usms::failure{describe("server.tls_client_ca",
                                  text_of("server.tls_client_ca", s), sources)
                             + " needs server.tls_cert and server.tls_key: "
                               "client certificates are checked over https "
                               "only",
                         "server.tls_client_ca"};
  return std::nullopt;
}

std::optional<usms::failure> validate(const settings& s) {
  for (const auto& key : all_keys()) {
    auto checked = check_value(key, key.get(s));
    if (!checked) {
      auto problem = checked.error();
      problem.message = key.dotted() + ": " + problem.message;
      return problem;
    }
  }
  return check_consistency(s);
}

} // namespace usms::config
