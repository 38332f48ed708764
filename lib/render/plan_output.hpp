#pragma once
// Renderings of a plan: the table (and -o wide), and the WorkloadUpdatePlan JSON contract, written
// VMI by VMI so that 100,000 VMIs do not need a second copy as a JSON tree.
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "decide/plan.hpp"
#include "render/colour.hpp"

namespace wu::render {

struct PlanHeader {
  std::string from;  // where the strategy came from
};

void write_plan_table(std::ostream& out, const decide::Plan& plan, const PlanHeader& header, bool wide,
                      const Colour& colour);

void write_plan_json(std::ostream& out, const decide::Plan& plan, const PlanHeader& header);

// The same document as a JSON tree (for -o yaml).
nlohmann::json plan_json(const decide::Plan& plan, const PlanHeader& header);

// "4m0s": Go's canonical form of a whole number of seconds.
std::string seconds_as_duration(std::int64_t seconds);

}  // namespace wu::render
