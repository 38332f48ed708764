#include "decide/launcher_pod.hpp"

namespace wu::decide {

namespace {

// Upstream keeps the first of equally old pods (strictly Before); informer order is arbitrary, so a
// tie is broken by name here to stay deterministic.
bool newer(const cluster::LauncherPod& a, const cluster::LauncherPod* best) {
  return !best || a.created > best->created || (a.created == best->created && a.name > best->name);
}

bool on_vmi_node(const cluster::LauncherPod& p, const cluster::Vmi& vmi) {
  // "This pod isn't scheduled to the current node": a migration target while it is prepared.
  return vmi.node.empty() || p.node == vmi.node;
}

}  // namespace

PodsByOwner pods_by_owner(const std::vector<cluster::LauncherPod>& pods) {
  PodsByOwner out;
  for (const auto& p : pods)
    if (!p.owner_vmi_uid.empty()) out[p.owner_vmi_uid].push_back(&p);
  return out;
}

const cluster::LauncherPod* current_vmi_pod(const PodsByOwner& pods, const cluster::Vmi& vmi) {
  if (vmi.uid.empty()) return nullptr;  // metav1.IsControlledBy compares UIDs
  auto it = pods.find(vmi.uid);
  if (it == pods.end()) return nullptr;
  const cluster::LauncherPod* best = nullptr;
  for (const cluster::LauncherPod* p : it->second)
    if (p->namespace_ == vmi.namespace_ && on_vmi_node(*p, vmi) && newer(*p, best)) best = p;
  return best;
}

const cluster::LauncherPod* current_vmi_pod(const std::vector<cluster::LauncherPod>& pods, const cluster::Vmi& vmi) {
  if (vmi.uid.empty()) return nullptr;
  const cluster::LauncherPod* best = nullptr;
  for (const auto& p : pods)
    if (p.owner_vmi_uid == vmi.uid && p.namespace_ == vmi.namespace_ && on_vmi_node(p, vmi) && newer(p, best))
      best = &p;
  return best;
}

}  // namespace wu::decide
