#include "durations.hpp"

#include <cctype>
#include <cstdlib>

#include "knobs.hpp"

namespace sim {

using nlohmann::json;

std::optional<double> parseDurationSeconds(const json& v) {
  if (v.is_number()) return v.get<double>() >= 0 ? std::optional<double>(v.get<double>()) : std::nullopt;
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  if (s.empty()) return std::nullopt;
  double total = 0;
  size_t i = 0;
  bool any = false;
  while (i < s.size()) {
    char* end = nullptr;
    double n = std::strtod(s.c_str() + i, &end);
    size_t used = static_cast<size_t>(end - (s.c_str() + i));
    if (used == 0 || n < 0) return std::nullopt;
    i += used;
    std::string unit;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) unit += s[i++];
    if (unit == "ms") total += n / 1000;
    else if (unit == "s" || (unit.empty() && i == s.size() && !any)) total += n;
    else if (unit == "m") total += n * 60;
    else if (unit == "h") total += n * 3600;
    else return std::nullopt;
    any = true;
  }
  return total;
}

DurationRange knobRange(const Knobs& k, const std::string& name, DurationRange def) {
  json all = k.snapshot();
  if (!all.contains(name)) return def;
  const json& v = all[name];
  if (v.is_object()) {
    auto lo = parseDurationSeconds(v.value("min", json()));
    auto hi = parseDurationSeconds(v.value("max", json()));
    if (!lo && !hi) return def;
    DurationRange r{lo.value_or(hi.value_or(0)), hi.value_or(lo.value_or(0))};
    if (r.max < r.min) std::swap(r.min, r.max);
    return r;
  }
  if (auto d = parseDurationSeconds(v)) return {*d, *d};
  return def;
}

double uniform01(uint64_t seed, const std::string& key) {
  // FNV-1a over the key, mixed with the seed (splitmix64 finaliser).
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ULL;
  uint64_t z = h ^ (seed + 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) / static_cast<double>(1ULL << 53);
}

double drawDuration(const Knobs& k, uint64_t seed, const std::string& knob, DurationRange def, const json& vmi,
                    const std::string& annotation, const std::string& key) {
  if (vmi.contains("metadata") && vmi["metadata"].contains("annotations") && vmi["metadata"]["annotations"].is_object()) {
    const json& a = vmi["metadata"]["annotations"];
    if (a.contains(annotation))
      if (auto d = parseDurationSeconds(a[annotation])) return *d;
  }
  DurationRange r = knobRange(k, knob, def);
  return r.min + (r.max - r.min) * uniform01(seed, knob + "/" + key);
}

}  // namespace sim
