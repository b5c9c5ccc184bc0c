#include "sim/ticket_store.hpp"

#include <algorithm>
#include <chrono>

#include "common/iso_time.hpp"
#include "sim/compact_fields.hpp"

namespace usms::sim {

namespace {

// CreatedAt and UpdatedAt: wall-clock time, as USMS stamps its tickets.
int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
    .count();
}

const char* id_prefix(ticket_type type) {
  switch (type) {
    case ticket_type::incident:
      return "INC";
    case ticket_type::change:
      return "CHG";
    case ticket_type::problem:
      return "PRB";
  }
  return "TKT";
}

/// `INC0000042`: the prefix and at least seven digits.
std::string make_id(ticket_type type, uint64_t seq) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + seq % 10);
    seq /= 10;
  } while (seq > 0);
  while (n < 7)
    digits[n++] = '0';
  std::string id(id_prefix(type));
  while (n > 0)
    id += digits[--n];
  return id;
}

/// A scratch buffer per thread: packing a ticket allocates nothing once
/// warm.
std::string& scratch() {
  thread_local std::string buffer;
  buffer.clear();
  return buffer;
}

} // namespace

ticket_store::ticket_store() = default;

bool ticket_store::terminal_status(const std::string& status) {
  return status == "Closed" || status == "Cancelled" || status == "Completed";
}

std::optional<std::pair<ticket_type, uint64_t>>
ticket_store::parse_id(const std::string& id) {
  if (id.size() < 4 || id.size() > 20)
    return std::nullopt;
  ticket_type type;
  auto prefix = id.substr(0, 3);
  if (prefix == "INC")
    type = ticket_type::incident;
  else if (prefix == "CHG")
    type = ticket_type::change;
  else if (prefix == "PRB")
    type = ticket_type::problem;
  else
    return std::nullopt;
  uint64_t seq = 0;
  for (std::size_t i = 3; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9')
      return std::nullopt;
    seq = seq * 10 + static_cast<uint64_t>(id[i] - '0');
  }
  // Only the canonical spelling names a ticket (`INC1` does not).
  if (make_id(type, seq) != id)
    return std::nullopt;
  return std::make_pair(type, seq);
}

const ticket_store::record* ticket_store::find(const shard& s,
                                               uint64_t seq) {
  if (seq < s.first_seq || seq >= s.first_seq + s.tickets.size())
    return nullptr;
  return &s.tickets[seq - s.first_seq];
}

ticket_store::record* ticket_store::find(shard& s, uint64_t seq) {
  return const_cast<record*>(find(static_cast<const shard&>(s), seq));
}

ticket_fields ticket_store::unpack(ticket_type type, uint64_t seq,
                                   const record& rec) {
  ticket_fields out;
  unpack_fields(rec.blob, out);
  out["TicketId"] = make_id(type, seq);
  out["CreatedAt"] = format_iso8601_utc_ms(rec.created_ms);
  out["UpdatedAt"] = format_iso8601_utc_ms(rec.updated_ms);
  return out;
}

std::string ticket_store::create(ticket_type type,
                                 const ticket_fields& fields) {
  int64_t now = now_ms();
  auto& blob = scratch();
  pack_fields(fields, blob);
  if (fields.find("Status") == fields.end())
    pack_field("Status", type == ticket_type::change ? "Draft" : "New", blob);

  uint64_t seq;
  {
    auto& s = shard_for(type);
    std::lock_guard<std::mutex> guard(s.mtx);
    seq = s.next_seq++;
    s.tickets.push_back(record{s.blobs.store(blob), now, now});
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  auto ref = fields.find("ExternalReference");
  if (ref != fields.end() && !ref->second.empty()) {
    std::lock_guard<std::mutex> guard(refs_mtx_);
    ++creates_by_ref_[ref->second];
  }
  return make_id(type, seq);
}

result<ticket_fields> ticket_store::update(ticket_type type,
                                           const std::string& id,
                                           const ticket_fields& changes,
                                           const std::string& work_note) {
  auto parsed = parse_id(id);
  auto not_found = failure{"no " + std::string(soap_name(type)) + " ticket "
                             + id,
                           "NOT_FOUND"};
  if (!parsed || parsed->first != type)
    return not_found;
  auto& s = shard_for(type);
  std::lock_guard<std::mutex> guard(s.mtx);
  auto* rec = find(s, parsed->second);
  if (rec == nullptr)
    return not_found;
  auto status = changes.find("Status");
  if (status != changes.end()) {
    std::string current(find_field(rec->blob, "Status").value_or(""));
    if (terminal_status(current) && status->second != current)
      return failure{id + " is " + current + " and cannot move to "
                       + status->second,
                     "TRANSITION"};
  }
  if (!changes.empty()) {
    // Updates are rare next to creates: a fresh blob, the old one stays in
    // the arena until clear().
    ticket_fields merged;
    unpack_fields(rec->blob, merged);
    for (const auto& [name, value] : changes)
      merged[name] = value;
    auto& blob = scratch();
    pack_fields(merged, blob);
    rec->blob = s.blobs.store(blob);
  }
  if (!work_note.empty())
    s.work_notes[parsed->second].push_back(work_note);
  rec->updated_ms = now_ms();
  return unpack(type, parsed->second, *rec);
}

query_page ticket_store::query(ticket_type type, const ticket_fields& filter,
                               std::optional<int64_t> updated_since_ms,
                               int max_results) const {
  query_page page;
  auto matches = [&](const record& rec) {
    if (updated_since_ms && rec.updated_ms < *updated_since_ms)
      return false;
    for (const auto& [name, value] : filter) {
      if (name == "UpdatedSince" || name == "TicketId")
        continue;
      auto field = find_field(rec.blob, name);
      if (!field || *field != value)
        return false;
    }
    return true;
  };
  // The matches as (UpdatedAt, sequence number): the answer's order, as
  // USMS gives it.
  std::vector<std::pair<int64_t, uint64_t>> found;
  const auto& s = shard_for(type);
  std::lock_guard<std::mutex> guard(s.mtx);
  // A TicketId filter is a point lookup, not a scan.
  auto by_id = filter.find("TicketId");
  if (by_id != filter.end()) {
    auto parsed = parse_id(by_id->second);
    if (parsed && parsed->first == type)
      if (const auto* rec = find(s, parsed->second); rec && matches(*rec))
        found.emplace_back(rec->updated_ms, parsed->second);
  } else {
    for (std::size_t i = 0; i < s.tickets.size(); ++i)
      if (matches(s.tickets[i]))
        found.emplace_back(s.tickets[i].updated_ms, s.first_seq + i);
  }
  std::sort(found.begin(), found.end());
  page.total_count = static_cast<int>(found.size());
  for (auto& [updated, seq] : found) {
    if (static_cast<int>(page.tickets.size()) >= max_results)
      break;
    page.tickets.push_back(unpack(type, seq, *find(s, seq)));
  }
  return page;
}

std::optional<ticket_fields> ticket_store::get(const std::string& id) const {
  auto parsed = parse_id(id);
  if (!parsed)
    return std::nullopt;
  const auto& s = shard_for(parsed->first);
  std::lock_guard<std::mutex> guard(s.mtx);
  const auto* rec = find(s, parsed->second);
  if (rec == nullptr)
    return std::nullopt;
  return unpack(parsed->first, parsed->second, *rec);
}

std::optional<ticket_type> ticket_store::type_of(const std::string& id) {
  auto parsed = parse_id(id);
  if (!parsed)
    return std::nullopt;
  return parsed->first;
}

std::vector<std::string> ticket_store::work_notes(const std::string& id) const {
  auto parsed = parse_id(id);
  if (!parsed)
    return {};
  const auto& s = shard_for(parsed->first);
  std::lock_guard<std::mutex> guard(s.mtx);
  auto it = s.work_notes.find(parsed->second);
  return it == s.work_notes.end() ? std::vector<std::string>{} : it->second;
}

std::size_t ticket_store::size() const {
  return count_.load(std::memory_order_relaxed);
}

std::map<std::string, uint64_t>
ticket_store::creates_by_external_reference() const {
  std::lock_guard<std::mutex> guard(refs_mtx_);
  return {creates_by_ref_.begin(), creates_by_ref_.end()};
}

void ticket_store::clear() {
  for (auto& s : shards_) {
    std::lock_guard<std::mutex> guard(s.mtx);
    count_.fetch_sub(s.tickets.size(), std::memory_order_relaxed);
    s.tickets.clear();
    s.first_seq = s.next_seq;
    s.blobs.clear();
    s.work_notes.clear();
  }
  std::lock_guard<std::mutex> guard(refs_mtx_);
  creates_by_ref_.clear();
}

} // namespace usms::sim
