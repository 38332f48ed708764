#pragma once
// The `status` table: a summary, then the recent migration attempts of each VMI that has any.
#include <ostream>

#include "render/colour.hpp"
#include "update/progress_status.hpp"

namespace wu::render {

void write_status_table(std::ostream& out, const update::ProgressStatus& status, const Colour& colour);

}  // namespace wu::render
