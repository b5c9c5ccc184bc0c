#include "offload/offloader.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>

#include "offload/csv_writer.hpp"
#include "offload/file_io.hpp"
#include "offload/file_naming.hpp"
#include "persistence/backend.hpp"

namespace usms::offload {

namespace {

/// Carries a failure through code that reports errors by exception (the
/// storage layer and the mark transaction's callback).
struct offload_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class T>
T check(result<T> r) {
  if (!r)
    throw offload_failure(r.error().message);
  return std::move(r.value());
}

int64_t to_ms(time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           t.time_since_epoch())
    .count();
}

std::string join(const std::string& dir, const std::string& rel) {
  if (dir.empty())
    return rel;
  return dir.back() == '/' ? dir + rel : dir + "/" + rel;
}

/// A file of the current window written by an older gateway is rewritten
/// with today's header (its old rows get empty new columns) before rows
/// are added, so that no file ever holds two headers.
void bring_header_up_to_date(const std::string& file) {
  auto head = check(read_file(file, static_cast<int64_t>(csv_header().size())));
  if (head.empty() || has_current_header(head))
    return;
  auto upgraded = upgrade_csv(check(read_file(file)));
  if (!upgraded)
    throw offload_failure("offload file " + file
                          + " starts with a header this gateway does not "
                            "know; move it away to offload into it again");
  check(replace_file(file, *upgraded));
}

} // namespace

int64_t rows_to_offload(int64_t count, int64_t max_entries, int64_t amount) {
  if (count <= max_entries)
    return 0;
  auto keep = std::max<int64_t>(0, max_entries - amount);
  return count - keep;
}

offloader::offloader(std::string db, offload_options opts,
                     std::shared_ptr<offload_clock> clock,
                     std::shared_ptr<offload_metrics> metrics)
  : location_(std::move(db)),
    opts_(std::move(opts)),
    clock_(std::move(clock)),
    metrics_(std::move(metrics)) {
}

offloader::~offloader() = default;

void offloader::set_options(offload_options opts) {
  opts_ = std::move(opts);
}

offload_report offloader::run_once() {
  offload_report rep;
  try {
    if (!db_)
      db_ = storage::open_backend(location_)->open_offload();
    run(rep);
    rep.remaining = db_->count_rows();
  } catch (const std::exception& e) {
    rep.error = e.what();
    // A broken connection is reopened on the next check.
    if (dynamic_cast<const storage::storage_error*>(&e) != nullptr)
      db_.reset();
  }
  if (rep.error.empty())
    metrics_->record_success(to_ms(clock_->now()));
  else
    metrics_->record_failure(rep.error);
  return rep;
}

void offloader::settle(const storage::offload_batch& b,
                       offload_report& rep) {
  auto complete = check(holds_bytes(b.file, b.size_before,
                                    b.size_after - b.size_before,
                                    b.checksum));
  if (complete) {
    auto n = db_->complete_batch(b.batch);
    rep.rows += n;
    metrics_->rows_offloaded.fetch_add(n);
  } else {
    // Partly written or not at all: cut what is there, then the rows are
    // offloaded afresh. The rows stay marked until the cut succeeded.
    check(truncate_to(b.file, b.size_before));
    db_->abandon_batch(b.batch);
  }
  ++rep.recovered;
}

void offloader::run(offload_report& rep) {
  for (auto& b : db_->pending_batches())
    settle(b, rep);
  auto zone = check(resolve_zone(opts_.timezone));
  auto hours = static_cast<int>(opts_.file_timespan_ms / 3'600'000);
  if (hours < 1 || 24 % hours != 0)
    throw offload_failure("offload.file_timespan must be whole hours "
                          "dividing 24");
  auto todo = rows_to_offload(db_->count_rows(), opts_.max_entries,
                              opts_.amount);
  auto batch_limit = std::max<int64_t>(1, opts_.batch_rows);
  while (todo > 0) {
    auto now = clock_->now();
    auto window = window_of(now, zone, hours);
    auto dir = join(opts_.path, day_folder_name(window.day));
    auto file = join(opts_.path, relative_path(window));
    // The folder and the header first: a failure here leaves nothing
    // marked.
    check(ensure_dir(dir));
    bring_header_up_to_date(file);
    std::string bytes;
    auto plan = [&](const std::vector<status_row>& rows) {
      auto st = check(stat_file(file));
      bytes.clear();
      if (st.size == 0)
        bytes = csv_header();
      for (auto& row : rows)
        append_row(bytes, row, zone, opts_.csv_formula_guard);
      storage::batch_plan p;
      p.file = file;
      p.size_before = st.size;
      p.size_after = st.size + static_cast<int64_t>(bytes.size());
      p.checksum = checksum(bytes);
      return p;
    };
    auto batch = db_->mark_batch(std::min(todo, batch_limit), plan, to_ms(now));
    if (!batch)
      break;
    if (hook_)
      hook_("marked", file);
    auto written = write_at(file, batch->size_before, bytes);
    if (!written) {
      // Undo at once when we can; otherwise the next check settles it.
      try {
        settle(*batch, rep);
      } catch (const std::exception&) {
        // the failure below is what the operator needs to see
      }
      throw offload_failure(written.error().message);
    }
    if (hook_)
      hook_("written", file);
    auto n = db_->complete_batch(batch->batch);
    if (hook_)
      hook_("deleted", file);
    rep.rows += n;
    ++rep.batches;
    metrics_->rows_offloaded.fetch_add(n);
    metrics_->batches_written.fetch_add(1);
    if (batch->size_before == 0) {
      ++rep.files_created;
      metrics_->files_written.fetch_add(1);
    }
    todo -= batch->rows;
  }
}

} // namespace usms::offload
