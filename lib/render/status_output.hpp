#pragma once
// The `status` table: a summary, then the recent migration attempts of each VMI that has any.
#include <ostream>

#include <string>

#include "render/colour.hpp"
#include "update/progress_status.hpp"
#include "update/status_reader.hpp"

namespace wu::render {

void write_status_table(std::ostream& out, const update::ProgressStatus& status, const Colour& colour);

// `status --wait`: one line per look, e.g. "outdated 12/80  migrating 3  stuck 0: run alice-x is updating them".
std::string status_wait_line(const update::ProgressStatus& status, const update::WaitVerdict& verdict,
                             const Colour& colour);

}  // namespace wu::render
