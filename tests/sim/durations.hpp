// Simulated durations from knobs and VMI annotations, drawn deterministically
// per object from --seed (so a scenario replays the same way).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace sim {

class Knobs;

// "90s", "1m30s", "2h", "1.5m", "250ms" or a bare number of seconds.
std::optional<double> parseDurationSeconds(const nlohmann::json& v);

struct DurationRange {
  double min = 0;
  double max = 0;
};
// A knob that is a duration or {min: D, max: D}; def when absent or malformed.
DurationRange knobRange(const Knobs& k, const std::string& name, DurationRange def);

// Uniform in [0, 1), a pure function of (seed, key).
double uniform01(uint64_t seed, const std::string& key);

// The duration for one object: the annotation (a duration) when the VMI has it,
// else a draw from the knob's range keyed by key.
double drawDuration(const Knobs& k, uint64_t seed, const std::string& knob, DurationRange def,
                    const nlohmann::json& vmi, const std::string& annotation, const std::string& key);

}  // namespace sim
