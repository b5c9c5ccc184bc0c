#include "sim/compact_fields.hpp"

#include <cstdint>
#include <cstring>
#include <unordered_map>

#include "contract/ticket_fields.hpp"

namespace usms::sim {

namespace {

constexpr std::size_t header_size = 5;

/// The index of a field in ticket_field_defs(); -1 when unknown.
int index_of(std::string_view soap_name) {
  static const auto table = [] {
    std::unordered_map<std::string_view, int> t;
    const auto& defs = ticket_field_defs();
    for (std::size_t i = 0; i < defs.size(); ++i)
      t.emplace(defs[i].soap_name, static_cast<int>(i));
    return t;
  }();
  auto it = table.find(soap_name);
  return it == table.end() ? -1 : it->second;
}

void append(std::string& blob, int index, std::string_view value) {
  char header[header_size];
  header[0] = static_cast<char>(index);
  auto len = static_cast<uint32_t>(value.size());
  std::memcpy(header + 1, &len, sizeof(len));
  blob.append(header, header_size);
  blob.append(value);
}

template <class F>
void for_each_entry(std::string_view blob, F&& fn) {
  std::size_t pos = 0;
  while (pos + header_size <= blob.size()) {
    int index = static_cast<unsigned char>(blob[pos]);
    uint32_t len;
    std::memcpy(&len, blob.data() + pos + 1, sizeof(len));
    fn(index, blob.substr(pos + header_size, len));
    pos += header_size + len;
  }
}

} // namespace

void pack_fields(const ticket_fields& fields, std::string& blob) {
  std::size_t size = blob.size();
  for (const auto& [name, value] : fields)
    size += header_size + value.size();
  blob.reserve(size);
  for (const auto& [name, value] : fields)
    if (int index = index_of(name); index >= 0)
      append(blob, index, value);
}

void pack_field(std::string_view soap_name, std::string_view value,
                std::string& blob) {
  if (int index = index_of(soap_name); index >= 0)
    append(blob, index, value);
}

std::optional<std::string_view> find_field(std::string_view blob,
                                           std::string_view soap_name) {
  int wanted = index_of(soap_name);
  std::optional<std::string_view> found;
  if (wanted < 0)
    return found;
  for_each_entry(blob, [&](int index, std::string_view value) {
    if (index == wanted)
      found = value;
  });
  return found;
}

void unpack_fields(std::string_view blob, ticket_fields& out) {
  const auto& defs = ticket_field_defs();
  for_each_entry(blob, [&](int index, std::string_view value) {
    if (static_cast<std::size_t>(index) < defs.size())
      out[std::string(defs[static_cast<std::size_t>(index)].soap_name)]
        = std::string(value);
  });
}

} // namespace usms::sim
