#pragma once
// How `run` shows itself: one line per event (no terminal), JSON Lines (-o json), a live display
// redrawn in place (terminal), the list of disruptive actions the confirmation prompt shows, and the
// final report. Writes to the streams it is given; the command decides which.
#include <ostream>
#include <string>

#include "decide/plan.hpp"
#include "render/colour.hpp"
#include "update/run_event.hpp"
#include "update/run_report.hpp"
#include "update/runner.hpp"

namespace wu::render {

// "12:00:01  MigrationCreated  ns1/vm-a  workload-update-x7k2p  attempt 1: live migration started"
std::string run_event_line(const update::RunEvent& e, const Colour& c);
// The event as one JSON line, with "time" (RFC 3339, UTC) first.
void write_run_event_json(std::ostream& out, const update::RunEvent& e);

// The live display: a progress bar with counts by state, ETA and next batch, then the current actions.
std::string run_progress_frame(const update::RunProgress& p, const Colour& c, int width);

// The evictions a run would make and what happens to each VM after; returns how many were listed.
int write_disruptive_actions(std::ostream& out, const decide::Plan& plan, const Colour& c);

void write_run_report(std::ostream& out, const update::RunReport& r, const Colour& c);

}  // namespace wu::render
