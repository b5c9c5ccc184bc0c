#include "actors/request_index.hpp"

#include <algorithm>
#include <functional>

namespace usms {

index_entry entry_of(const ticket_request& req, int64_t seq,
                     int64_t clock_start, int64_t ready_at) {
  index_entry e;
  e.id = req.id;
  e.seq = seq;
  e.query = req.act == action::query;
  e.serial_key = serial_key(req);
  e.ready_at = ready_at;
  e.clock_start = clock_start;
  return e;
}

index_entry entry_of(const index_row& row) {
  index_entry e;
  e.id = row.id;
  e.seq = row.seq;
  e.query = row.query;
  e.serial_key = row.serial_key;
  e.ready_at = row.next_attempt_at;
  e.clock_start = row.clock_start;
  return e;
}

namespace {

constexpr uint64_t query_bit = uint64_t{1} << 63;

} // namespace

bool request_index::add(const index_entry& in) {
  if (by_id_.count(in.id) > 0 || by_seq_.count(in.seq) > 0)
    return false;
  entry e;
  e.id = in.id;
  e.ready_at = in.ready_at;
  e.clock_start = in.clock_start;
  e.has_key = !in.serial_key.empty();
  e.key_hash = e.has_key ? std::hash<std::string>{}(in.serial_key) : 0;
  e.generation = 0;
  e.query = in.query;
  e.at = where::blocked;
  ++counts_[static_cast<int>(where::blocked)];
  auto& stored = by_seq_.emplace(in.seq, std::move(e)).first->second;
  by_id_.emplace(std::string_view{stored.id}, in.seq);
  give_up_.push({stored.clock_start, in.seq, 0});
  if (stored.has_key) {
    auto& chain = keys_[stored.key_hash];
    if (chain.head != 0) {
      chain.next.push_back(in.seq);
      return true; // runs when the requests before it with its key are done
    }
    chain.head = in.seq;
  }
  make_waiting(in.seq, stored, 0);
  return true;
}

bool request_index::contains(const std::string& id) const {
  return by_id_.count(id) > 0;
}

bool request_index::key_free(const std::string& serial_key) const {
  return serial_key.empty()
         || keys_.count(std::hash<std::string>{}(serial_key)) == 0;
}

int64_t request_index::seq_of(const std::string& id) const {
  auto i = by_id_.find(id);
  return i == by_id_.end() ? 0 : i->second;
}

void request_index::set_at(entry& e, where w) {
  --counts_[static_cast<int>(e.at)];
  ++counts_[static_cast<int>(w)];
  e.at = w;
}

void request_index::make_ready(int64_t seq, entry& e) {
  set_at(e, where::ready);
  ++e.generation;
  auto order = (e.query ? query_bit : 0) | static_cast<uint64_t>(seq);
  ready_.push({order, seq, e.generation});
}

void request_index::make_waiting(int64_t seq, entry& e, int64_t now) {
  if (e.ready_at <= std::max(now, last_now_)) {
    make_ready(seq, e);
    return;
  }
  set_at(e, where::delayed);
  ++e.generation;
  delayed_.push({e.ready_at, seq, e.generation});
}

void request_index::promote_due(int64_t now) {
  last_now_ = std::max(last_now_, now);
  while (!delayed_.empty() && delayed_.top().at <= now) {
    auto item = delayed_.top();
    delayed_.pop();
    auto i = by_seq_.find(item.seq);
    if (i == by_seq_.end() || i->second.generation != item.generation
        || i->second.at != where::delayed)
      continue;
    make_ready(item.seq, i->second);
  }
}

std::optional<picked> request_index::next_ready(int64_t now,
                                                bool writes_only) {
  promote_due(now);
  while (!ready_.empty()) {
    auto item = ready_.top();
    auto i = by_seq_.find(item.seq);
    if (i == by_seq_.end() || i->second.generation != item.generation
        || i->second.at != where::ready) {
      ready_.pop();
      continue;
    }
    // Queries sort after every write: the first one seen means no write
    // is ready.
    if (writes_only && i->second.query)
      return std::nullopt;
    ready_.pop();
    auto& e = i->second;
    set_at(e, where::active);
    ++e.generation;
    ++active_;
    return picked{e.id, item.seq};
  }
  return std::nullopt;
}

bool request_index::take(const std::string& id) {
  auto s = by_id_.find(id);
  if (s == by_id_.end())
    return false;
  auto& e = by_seq_.at(s->second);
  if (e.at == where::active)
    return false;
  set_at(e, where::active);
  ++e.generation;
  ++active_;
  return true;
}

void request_index::passivated(const std::string& id, int64_t ready_at) {
  auto s = by_id_.find(id);
  if (s == by_id_.end())
    return;
  auto seq = s->second;
  auto& e = by_seq_.at(seq);
  if (e.at != where::active)
    return;
  --active_;
  e.ready_at = ready_at;
  if (e.has_key && keys_[e.key_hash].head != seq) {
    // It was taken out of its key's order (a cancel that did not happen):
    // back behind the request that holds the key.
    set_at(e, where::blocked);
    ++e.generation;
    return;
  }
  make_waiting(seq, e, 0);
}

void request_index::release_key(int64_t seq, const entry& e) {
  if (!e.has_key)
    return;
  auto c = keys_.find(e.key_hash);
  if (c == keys_.end())
    return;
  auto& chain = c->second;
  if (chain.head != seq) {
    chain.next.erase(std::remove(chain.next.begin(), chain.next.end(), seq),
                     chain.next.end());
    return;
  }
  if (chain.next.empty()) {
    keys_.erase(c);
    return;
  }
  chain.head = chain.next.front();
  chain.next.erase(chain.next.begin());
  auto n = by_seq_.find(chain.head);
  if (n != by_seq_.end() && n->second.at == where::blocked)
    make_waiting(chain.head, n->second, 0);
}

void request_index::finished(const std::string& id) {
  auto s = by_id_.find(id);
  if (s == by_id_.end())
    return;
  auto seq = s->second;
  auto i = by_seq_.find(seq);
  --counts_[static_cast<int>(i->second.at)];
  if (i->second.at == where::active)
    --active_;
  release_key(seq, i->second);
  by_id_.erase(s);
  by_seq_.erase(i);
}

std::vector<std::string> request_index::expired(int64_t now,
                                                int64_t give_up_ms,
                                                std::size_t max) {
  std::vector<std::string> out;
  while (!give_up_.empty() && out.size() < max
         && give_up_.top().at + give_up_ms <= now) {
    auto item = give_up_.top();
    give_up_.pop();
    auto i = by_seq_.find(item.seq);
    // Stale when finished, or retried since (a new clock start).
    if (i == by_seq_.end() || i->second.clock_start != item.at)
      continue;
    // An active request checks its own give-up time before it waits.
    if (i->second.at == where::active)
      continue;
    out.push_back(i->second.id);
  }
  return out;
}

std::optional<int64_t> request_index::next_ready_at() const {
  if (delayed_.empty())
    return std::nullopt;
  return delayed_.top().at;
}

std::optional<int64_t> request_index::oldest_clock_start() {
  while (!give_up_.empty()) {
    auto item = give_up_.top();
    auto i = by_seq_.find(item.seq);
    if (i != by_seq_.end() && i->second.clock_start == item.at)
      return item.at;
    give_up_.pop();
  }
  return std::nullopt;
}

void request_index::clear() {
  by_id_.clear();
  by_seq_.clear();
  keys_.clear();
  ready_ = {};
  delayed_ = {};
  give_up_ = {};
  active_ = 0;
  counts_ = {};
}

} // namespace usms
