#include "sim/compact_fields.hpp"

#include <cstdint>
#include <cstring>

#include "contract/ticket_fields.hpp"

namespace usms::sim {

namespace {

constexpr std::size_t header_size = 5;

/// The index of a field in ticket_field_defs(); -1 when unknown.
int index_of(std::string_view soap_name) {
  const auto* def = field_by_soap_name(soap_name);
  if (def == nullptr)
    return -1;
  return static_cast<int>(def - ticket_field_defs().data());
}

void append(std::string& blob, int index, std::string_view value) {
  char header[header_size];
  header[0] = static_cast<char>(index);
  auto len = static_cast<uint32_t>(value.size());
  std::memcpy(header + 1, &len, sizeof(len));
  blob.append(header, header_size);
  blob.append(value);
}

} // namespace

compact_fields::compact_fields(const ticket_fields& fields) {
  std::size_t size = 0;
  for (const auto& [name, value] : fields)
    size += header_size + value.size();
  blob_.reserve(size);
  for (const auto& [name, value] : fields)
    if (int index = index_of(name); index >= 0)
      append(blob_, index, value);
}

template <class F>
void compact_fields::for_each(F&& fn) const {
  std::size_t pos = 0;
  while (pos + header_size <= blob_.size()) {
    int index = static_cast<unsigned char>(blob_[pos]);
    uint32_t len;
    std::memcpy(&len, blob_.data() + pos + 1, sizeof(len));
    std::string_view value(blob_.data() + pos + header_size, len);
    if (!fn(index, value, pos))
      return;
    pos += header_size + len;
  }
}

std::optional<std::string_view>
compact_fields::get(std::string_view soap_name) const {
  int wanted = index_of(soap_name);
  std::optional<std::string_view> found;
  if (wanted < 0)
    return found;
  for_each([&](int index, std::string_view value, std::size_t) {
    if (index != wanted)
      return true;
    found = value;
    return false;
  });
  return found;
}

void compact_fields::set(std::string_view soap_name, std::string_view value) {
  int wanted = index_of(soap_name);
  if (wanted < 0)
    return;
  std::optional<std::pair<std::size_t, std::size_t>> old; // offset, length
  for_each([&](int index, std::string_view v, std::size_t pos) {
    if (index != wanted)
      return true;
    old = std::make_pair(pos, header_size + v.size());
    return false;
  });
  if (old)
    blob_.erase(old->first, old->second);
  append(blob_, wanted, value);
}

ticket_fields compact_fields::unpack() const {
  ticket_fields out;
  const auto& defs = ticket_field_defs();
  for_each([&](int index, std::string_view value, std::size_t) {
    if (static_cast<std::size_t>(index) < defs.size())
      out.emplace(std::string(defs[static_cast<std::size_t>(index)].soap_name),
                  std::string(value));
    return true;
  });
  return out;
}

} // namespace usms::sim
