#include "persistence/filters.hpp"

#include <algorithm>

namespace usms::db {

namespace {

/// `column LIKE ? ESCAPE '\'` (its `?` takes add_any()'s pattern).
std::string matches(const std::string& column, const char* like) {
  return column + " " + like + " ? ESCAPE '\\'";
}

/// `(c1 OR c2 ...)`: `conditions` each with one `?`, all taking the pattern
/// for `text` anywhere in a column.
void add_any(where_clause& w, const std::vector<std::string>& conditions,
             const std::string& text) {
  auto pattern = "%" + escape_like(text) + "%";
  std::string any;
  for (auto& condition : conditions) {
    any += any.empty() ? "(" : " OR ";
    any += condition;
    w.values.emplace_back(pattern);
  }
  w.add(any + ")");
}

/// The filter's action, type, source, cause and finish-time bounds, which
/// the status table and the requests both have.
void add_request_fields(where_clause& w, const status_filter& f) {
  if (!f.action.empty())
    w.add("action = ?", f.action);
  if (!f.type.empty())
    w.add("type = ?", f.type);
  if (!f.source.empty())
    w.add("source = ?", f.source);
  if (!f.cause.empty())
    w.add("cause = ?", f.cause);
  if (f.since > 0)
    w.add("finished_at >= ?", f.since);
  if (f.until > 0)
    w.add("finished_at <= ?", f.until);
}

bool all_unfinished(const std::vector<request_state>& states) {
  return std::all_of(states.begin(), states.end(),
                     [](request_state s) { return !is_finished(s); });
}

} // namespace

void where_clause::add(const std::string& condition) {
  sql += sql.empty() ? " WHERE " : " AND ";
  sql += condition;
}

where_clause status_where(const status_filter& f, const char* like) {
  where_clause w;
  if (!f.status.empty())
    w.add("status = ?", f.status);
  add_request_fields(w, f);
  // What an operator pastes from an alarm or a ticket: any of these.
  if (!f.q.empty())
    add_any(w,
            {matches("reason", like), matches("ticket_id", like),
             matches("correlation_id", like), matches("request_id", like)},
            f.q);
  return w;
}

where_clause failed_requests_where(const status_filter& f, const char* like) {
  where_clause w;
  w.add("state = 'failed'");
  add_request_fields(w, f);
  // The status table's free text matches a ticket id too; a request has
  // none of its own (a failed update's is in its status rows).
  if (!f.q.empty())
    add_any(w,
            {matches("reason", like), matches("correlation_id", like),
             matches("id", like),
             "id IN (SELECT request_id FROM status_rows WHERE "
               + matches("ticket_id", like) + ")"},
            f.q);
  return w;
}

where_clause queue_where(const queue_filter& f) {
  auto states = f.states;
  if (states.empty())
    states = {request_state::queued, request_state::in_flight,
              request_state::waiting_retry};
  std::sort(states.begin(), states.end());
  states.erase(std::unique(states.begin(), states.end()), states.end());
  // The states are our own enum's names, never user text: inlined, they
  // let the database match its index on unfinished requests.
  std::string in_list;
  for (auto st : states) {
    in_list += in_list.empty() ? "'" : ", '";
    in_list += std::string{to_string(st)} + "'";
  }
  where_clause w;
  w.add("state IN (" + in_list + ")");
  if (all_unfinished(states))
    w.add("state IN ('queued', 'in_flight', 'waiting_retry')");
  if (!f.type.empty())
    w.add("type = ?", f.type);
  if (!f.source.empty())
    w.add("source = ?", f.source);
  return w;
}

std::string escape_like(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == '%' || c == '_')
      out += '\\';
    out += c;
  }
  return out;
}

std::string numbered_placeholders(const std::string& sql, int first) {
  std::string out;
  out.reserve(sql.size() + 16);
  for (char c : sql) {
    if (c == '?')
      out += "$" + std::to_string(first++);
    else
      out += c;
  }
  return out;
}

} // namespace usms::db
