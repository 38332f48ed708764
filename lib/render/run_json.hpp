#pragma once
// The `-o json` contract of `run` and `status` (README "Output contracts", man page): one object per
// run event (JSON Lines), the final WorkloadUpdateRunReport, and the WorkloadUpdateStatus.
#include <nlohmann/json.hpp>

#include "update/progress_status.hpp"
#include "update/run_event.hpp"
#include "update/run_report.hpp"
#include "update/status_reader.hpp"

namespace wu::render {

// {"event": ..., "namespace": ..., ...}: empty fields are left out; "data" only for run-wide details.
nlohmann::json event_json(const update::RunEvent& e);
nlohmann::json report_json(const update::RunReport& report);
nlohmann::json status_json(const update::ProgressStatus& status);
// `status --wait -o json`: one line per look, the status with "wait": {"outcome": null or "Done",
// "NotDone", "TimedOut", "Interrupted", "reason": "..."}; the last line has the outcome.
nlohmann::json status_wait_json(const update::ProgressStatus& status, const update::WaitVerdict& verdict);

}  // namespace wu::render
