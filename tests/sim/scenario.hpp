// Scenario files: YAML (or JSON) documents holding cluster objects and knobs.
//
//   objects:            # any served kind; "kind: List" items are flattened
//   - apiVersion: v1
//     kind: Namespace
//     metadata: {name: ns1}
//   knobs:              # "faults" uses the /_sim/faults format; the rest is free-form
//     faults: {rules: [{resource: pods, verb: evict, code: 429, count: 2}]}
//     timeScale: 10
//
// A document may also be a bare Kubernetes object or List. Errors name the
// source and line.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace sim {

struct ResourceInfo;
class Store;
class Knobs;
class Faults;
class Authenticator;

class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ScenarioObject {
  const ResourceInfo* resource;
  nlohmann::json object;
  std::string where;  // "file:line"
};

struct Scenario {
  std::vector<ScenarioObject> objects;
  nlohmann::json knobs = nlohmann::json::object();
};

// Parses and validates; throws ScenarioError("<source>:<line>: <what is wrong>").
Scenario parseScenario(const std::string& text, const std::string& source);
Scenario loadScenarioFile(const std::string& path);

// Stores the objects (creating missing namespaces) and applies the knobs.
// Throws ScenarioError when a fault knob is invalid. Returns the number of objects stored.
size_t applyScenario(const Scenario& s, Store& store, Knobs& knobs, Faults& faults, Authenticator& auth);

}  // namespace sim
