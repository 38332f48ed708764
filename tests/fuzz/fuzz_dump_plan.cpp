// libFuzzer harness: a dump (`plan --from-file`) into a plan, rendered as JSON. The only accepted
// failure is the documented one: std::runtime_error naming the file (the plan command's exit 2).
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "cluster/plan_config_source.hpp"
#include "cluster/snapshot_loader.hpp"
#include "decide/plan.hpp"
#include "render/plan_output.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  wu::cluster::Snapshot s;
  s.now = 1'780'000'000;
  try {
    wu::cluster::load_dump_text(s, "fuzz.json", text);
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind("fuzz.json", 0) != 0) std::abort();  // every error names the file
    return 0;
  }
  wu::cluster::PlanConfigSource source = wu::cluster::plan_config_from(s, {});
  wu::decide::Plan plan = wu::decide::make_plan(s, source.config);
  std::ostringstream out;
  wu::render::write_plan_json(out, plan, wu::render::PlanHeader{source.from});
  if (!nlohmann::json::accept(out.str())) std::abort();
  return 0;
}
