#pragma once
// Renderings of a `validate` run: compiler-style text, the JSON/YAML contract, and JUnit XML.
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "render/colour.hpp"
#include "strategy/validation_run.hpp"

namespace wu::render {

// file:line:col: error: message [Code], hints indented below, then one line per checked document
// with its effective configuration, then a summary line.
std::string validate_text(const strategy::ValidationRun& run, const Colour& colour);

// {kind, valid, strict, complete, summary, findings[], documents[]} — the documented contract.
nlohmann::json validate_json(const strategy::ValidationRun& run);

// The same JSON written as it is produced, element by element, so a run over a large input does not
// hold a second copy of everything as a JSON tree.
void write_validate_json(std::ostream& out, const strategy::ValidationRun& run);

// One <testcase> per document (and per unreadable input), for CI systems.
std::string validate_junit(const strategy::ValidationRun& run);

}  // namespace wu::render
