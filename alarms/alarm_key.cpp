#include "alarms/alarm_key.hpp"

#include <array>

#include <openssl/sha.h>

#include "contract/soap_codec.hpp"
#include "contract/xml_text.hpp"

namespace usms::alarms {

namespace {

bool is_control(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

} // namespace

std::string check_alarm_key(std::string_view key) {
  if (key.empty())
    return "key must not be empty";
  if (key.size() > max_key_bytes)
    return "key is longer than " + std::to_string(max_key_bytes) + " bytes";
  if (auto bad = soap::check_xml_text(key); !bad.empty())
    return "key holds " + bad;
  for (std::size_t pos = 0; pos < key.size();) {
    uint32_t cp = 0;
    auto len = soap::next_xml_char(key, pos, cp);
    if (is_control(cp))
      return "key holds a control character at byte " + std::to_string(pos);
    pos += len;
  }
  return {};
}

std::string short_hash(std::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         digest.data());
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (std::size_t i = 0; i < 16; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0x0F];
  }
  return out;
}

std::string external_reference(std::string_view key, int32_t generation) {
  auto base = key.size() > max_reference_key_bytes ? "h:" + short_hash(key)
                                                   : std::string{key};
  return base + "#" + std::to_string(generation);
}

std::string alertmanager_key(std::string_view id) {
  auto key = "am:" + std::string{id};
  if (check_alarm_key(key).empty())
    return key;
  return "am:h:" + short_hash(id);
}

} // namespace usms::alarms
