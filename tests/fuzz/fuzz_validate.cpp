// libFuzzer harness: `validate -f` on one document text, rendered as text and as JSON. Bad input
// must end as findings or an input error, never as an exception, and -o json must stay valid JSON.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "render/colour.hpp"
#include "render/validate_output.hpp"
#include "strategy/validation_run.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  wu::strategy::ValidateOptions options;
  wu::strategy::ValidationRun run;
  run.files.push_back(wu::strategy::validate_text("fuzz.yaml", text, options));
  std::ostringstream json;
  wu::render::write_validate_json(json, run);
  if (!nlohmann::json::accept(json.str())) std::abort();  // -o json printed something that is not JSON
  (void)wu::render::validate_text(run, wu::render::Colour{false});
  (void)run.exit_status();
  return 0;
}
