#pragma once

/// The file janitor's sweep, CAF-free and synchronous: deletes offload
/// files (and then empty day folders) older than the retention period.
///
/// It only touches names of the offload pattern (`yyyy_MM_dd` folders
/// directly in the offload path, `Offload_HH_Nh.csv` files directly in
/// them), never follows a symlink (links are left alone whatever their
/// name), and removes a day folder only once it is empty.

#include <chrono>
#include <string>

#include "offload/clock.hpp"
#include "offload/file_naming.hpp"
#include "offload/options.hpp"

namespace usms::offload {

/// A file is too old when its window ended `retention` or longer before
/// `now`; a day folder when its day did. Names are read in `zone`.
/// `retention` of zero or less deletes nothing.
janitor_report sweep(const std::string& root, time_point now,
                     std::chrono::milliseconds retention, zone_ptr zone);

} // namespace usms::offload
