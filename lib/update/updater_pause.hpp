#pragma once
// `run --pause-cluster-updater`: KubeVirt's own workload updater switched off for the run and switched
// back on after it. The value to restore is recorded in the run Lease before anything is changed, so
// the next `run` or `abort` restores it after a kill -9. Every write is a JSON patch whose "test"
// operation carries the value we expect: a concurrent change makes it fail instead of being
// overwritten (the restore then says so and leaves the field alone).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/snapshot.hpp"
#include "kube/client.hpp"

namespace wu::update {

struct UpdaterPause {
  std::string kind;  // "HyperConverged" (HCO copies it into the KubeVirt CR) or "KubeVirt" (no HCO)
  std::string namespace_, name;
  // spec.workloadUpdateStrategy.workloadUpdateMethods before the pause; nullopt: the field was absent.
  std::optional<std::vector<std::string>> methods;
};

// The object to pause: the HyperConverged CR when there is one, else the KubeVirt CR. nullopt when
// there is neither, or its methods are empty already (nothing to pause).
std::optional<UpdaterPause> pause_target(const cluster::Snapshot& config);

std::string to_annotation(const UpdaterPause& pause);
// nullopt for anything that is not an annotation to_annotation wrote.
std::optional<UpdaterPause> pause_from_annotation(const std::string& value);

// "workloadUpdateMethods [LiveMigrate] on HyperConverged openshift-cnv/kubevirt-hyperconverged is set to []
// for the run and restored when it ends": for the confirmation prompt and --dry-run.
std::string describe_pause(const UpdaterPause& pause);

// Sets the methods to [] (tested against the recorded value); throws kube errors, and KubeError when
// the value changed since it was read.
void apply_pause(kube::Client& client, const UpdaterPause& pause);

// Waits (at most timeout_seconds) until the KubeVirt CR has no methods: HCO's copy has arrived.
// False at the timeout.
bool wait_until_kubevirt_paused(kube::Client& client, int timeout_seconds);

struct RestoreResult {
  bool restored = false;
  bool changed_meanwhile = false;  // someone set the field during the run: left as they set it
  std::string message;  // what was done, or why not (changed meanwhile: the value found)
  bool settled() const { return restored || changed_meanwhile; }  // else: try again later (abort, next run)
};
// Puts the recorded methods back if the field is still []; never throws.
RestoreResult restore_pause(kube::Client& client, const UpdaterPause& pause);

}  // namespace wu::update
