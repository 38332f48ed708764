#include "cluster/cluster_validation.hpp"

#include "cluster/config_objects.hpp"
#include "strategy/kubevirt_drift.hpp"
#include "yaml/from_json.hpp"

namespace wu::cluster {

namespace {

strategy::FileReport validate_live(const nlohmann::json& object, const std::string& label,
                                   const strategy::ValidateOptions& options) {
  yaml::Document doc;
  doc.root = yaml::from_json(object);
  return strategy::validate_object(label, doc, options);
}

strategy::Finding note(strategy::Severity severity, std::string code, std::string file, std::string message,
                       std::string hint = {}) {
  strategy::Finding f;
  f.severity = severity;
  f.code = std::move(code);
  f.file = std::move(file);
  f.message = std::move(message);
  f.hint = std::move(hint);
  return f;
}

}  // namespace

strategy::ValidationRun validate_cluster(kube::Client& client, const strategy::ValidateOptions& options, bool strict,
                                         std::stop_token stop) {
  // Live objects are JSON the server already accepted: unknown fields were pruned and there are no
  // duplicate keys, so field validation has nothing to add.
  strategy::ValidationRun run;
  run.strict = strict;
  const ConfigObjects objects = fetch_config_objects(client, stop);

  std::optional<strategy::EffectiveStrategy> hco_effective;
  bool hco_jsonpatch = false;
  for (const auto& hco : objects.hyperconvergeds) {
    auto report = validate_live(hco, object_label(hco, "hyperconverged"), options);
    if (!hco_effective && !report.documents.empty() && report.documents[0].effective)
      hco_effective = report.documents[0].effective;
    const auto annotations = hco.value("metadata", nlohmann::json::object()).value("annotations", nlohmann::json::object());
    hco_jsonpatch = hco_jsonpatch || annotations.contains("kubevirt.kubevirt.io/jsonpatch");
    run.files.push_back(std::move(report));
  }

  for (const auto& kv : objects.kubevirts) {
    const std::string label = object_label(kv, "kubevirt");
    auto report = validate_live(kv, label, options);
    if (hco_effective) {
      for (auto f : strategy::find_kubevirt_drift({*hco_effective, kv, hco_jsonpatch})) {
        f.file = label;
        report.findings.push_back(std::move(f));
      }
    }
    run.files.push_back(std::move(report));
  }

  strategy::FileReport cluster;
  cluster.file = "cluster";
  if (objects.kubevirts.empty())
    cluster.findings.push_back(note(strategy::Severity::Warning, "NoKubeVirt", "cluster",
                                    "no KubeVirt CR found: KubeVirt is not installed, or you may not list kubevirts",
                                    "check with `oc get kubevirt -A`"));
  if (objects.kubevirts.size() > 1)
    cluster.findings.push_back(note(strategy::Severity::Warning, "MultipleKubeVirts", "cluster",
                                    std::to_string(objects.kubevirts.size()) +
                                        " KubeVirt CRs found; KubeVirt expects exactly one and its workload updater "
                                        "misbehaves with more",
                                    "delete the extra KubeVirt CRs"));
  if (objects.hyperconvergeds.size() > 1)
    cluster.findings.push_back(note(strategy::Severity::Warning, "MultipleHyperConvergeds", "cluster",
                                    std::to_string(objects.hyperconvergeds.size()) +
                                        " HyperConverged CRs found; HCO reconciles only one named "
                                        "kubevirt-hyperconverged"));
  if (!cluster.findings.empty()) run.files.push_back(std::move(cluster));
  return run;
}

}  // namespace wu::cluster
