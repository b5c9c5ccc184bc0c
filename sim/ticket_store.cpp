#include "sim/ticket_store.hpp"

#include <cstdio>

#include "sim/xsd_time.hpp"

namespace usms::sim {

namespace {

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

std::string make_id(ticket_type type, uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s%07llu", id_prefix(type),
                static_cast<unsigned long long>(seq));
  return buf;
}

} // namespace

ticket_store::ticket_store() = default;

bool ticket_store::terminal_status(const std::string& status) {
  return status == "Closed" || status == "Cancelled" || status == "Completed";
}

std::optional<std::pair<ticket_type, uint64_t>>
ticket_store::parse_id(const std::string& id) {
  if (id.size() < 4)
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
    if (id[i] < '0' || id[i] > '9' || i > 20)
      return std::nullopt;
    seq = seq * 10 + static_cast<uint64_t>(id[i] - '0');
  }
  // Only the canonical spelling names a ticket (`INC1` does not).
  if (make_id(type, seq) != id)
    return std::nullopt;
  return std::make_pair(type, seq);
}

std::string ticket_store::create(ticket_type type,
                                 const ticket_fields& fields) {
  int64_t now = now_ms();
  std::string stamp = format_xsd_datetime(now);
  compact_fields packed(fields);
  if (fields.find("Status") == fields.end())
    packed.set("Status", type == ticket_type::change ? "Draft" : "New");
  packed.set("CreatedAt", stamp);
  packed.set("UpdatedAt", stamp);
  auto ref = fields.find("ExternalReference");

  std::string id;
  {
    auto& s = shard_for(type);
    std::lock_guard<std::mutex> guard(s.mtx);
    uint64_t seq = s.next_seq++;
    id = make_id(type, seq);
    packed.set("TicketId", id);
    s.tickets.emplace_hint(s.tickets.end(), seq,
                           record{std::move(packed), {}, now});
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  if (ref != fields.end() && !ref->second.empty()) {
    std::lock_guard<std::mutex> guard(refs_mtx_);
    ++creates_by_ref_[ref->second];
  }
  return id;
}

result<ticket_fields> ticket_store::update(ticket_type type,
                                           const std::string& id,
                                           const ticket_fields& changes,
                                           const std::string& work_note) {
  auto parsed = parse_id(id);
  if (!parsed || parsed->first != type)
    return failure{"no " + std::string(soap_name(type)) + " ticket " + id,
                   "NOT_FOUND"};
  auto& s = shard_for(type);
  std::lock_guard<std::mutex> guard(s.mtx);
  auto it = s.tickets.find(parsed->second);
  if (it == s.tickets.end())
    return failure{"no " + std::string(soap_name(type)) + " ticket " + id,
                   "NOT_FOUND"};
  auto& rec = it->second;
  auto status = changes.find("Status");
  if (status != changes.end()) {
    std::string current(rec.fields.get("Status").value_or(""));
    if (terminal_status(current) && status->second != current)
      return failure{id + " is " + current + " and cannot move to "
                       + status->second,
                     "TRANSITION"};
  }
  for (const auto& [name, value] : changes)
    rec.fields.set(name, value);
  if (!work_note.empty())
    rec.work_notes.push_back(work_note);
  rec.updated_ms = now_ms();
  rec.fields.set("UpdatedAt", format_xsd_datetime(rec.updated_ms));
  return rec.fields.unpack();
}

query_page ticket_store::query(ticket_type type, const ticket_fields& filter,
                               std::optional<int64_t> updated_since_ms,
                               int max_results) const {
  query_page page;
  auto matches = [&](const record& rec) {
    if (updated_since_ms && rec.updated_ms < *updated_since_ms)
      return false;
    for (const auto& [name, value] : filter) {
      if (name == "UpdatedSince")
        continue;
      auto field = rec.fields.get(name);
      if (!field || *field != value)
        return false;
    }
    return true;
  };
  auto take = [&](const record& rec) {
    if (!matches(rec))
      return;
    ++page.total_count;
    if (static_cast<int>(page.tickets.size()) < max_results)
      page.tickets.push_back(rec.fields.unpack());
  };
  const auto& s = shard_for(type);
  std::lock_guard<std::mutex> guard(s.mtx);
  // A TicketId filter is a point lookup, not a scan.
  auto by_id = filter.find("TicketId");
  if (by_id != filter.end()) {
    auto parsed = parse_id(by_id->second);
    if (parsed && parsed->first == type) {
      auto it = s.tickets.find(parsed->second);
      if (it != s.tickets.end())
        take(it->second);
    }
    return page;
  }
  for (const auto& entry : s.tickets)
    take(entry.second);
  return page;
}

std::vector<std::string> ticket_store::work_notes(const std::string& id) const {
  auto parsed = parse_id(id);
  if (!parsed)
    return {};
  const auto& s = shard_for(parsed->first);
  std::lock_guard<std::mutex> guard(s.mtx);
  auto it = s.tickets.find(parsed->second);
  return it == s.tickets.end() ? std::vector<std::string>{}
                               : it->second.work_notes;
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
  }
  std::lock_guard<std::mutex> guard(refs_mtx_);
  creates_by_ref_.clear();
}

} // namespace usms::sim
