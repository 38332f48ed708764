// The resource table: every kind the simulator serves, with the metadata that
// discovery, routing and Status errors need.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sim {

struct ResourceInfo {
  std::string group;  // "" for the core group
  std::string version;
  std::string plural;
  std::string singular;
  std::string kind;
  bool namespaced = true;
  std::vector<std::string> shortNames;
  std::vector<std::string> verbs;
  std::vector<std::string> categories;
  bool hasStatus = false;    // serves the /status subresource
  bool hasEviction = false;  // serves the /eviction subresource (pods)
  bool hasToken = false;     // serves the /token subresource (serviceaccounts: TokenRequest)
  bool custom = false;       // served by a CRD: no strategic merge patch, metadata-only field selectors
  bool createOnly = false;   // review-style resource: create answers, nothing is stored
  std::vector<std::string> selectableFields;  // field selector labels besides metadata.name/namespace

  std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
  std::string listKind() const { return kind + "List"; }
  // "pods" or "virtualmachineinstances.kubevirt.io", as in Status messages.
  std::string groupResource() const { return group.empty() ? plural : plural + "." + group; }
  bool supportsVerb(std::string_view verb) const;
  bool fieldSelectable(std::string_view field) const;
};

const std::vector<ResourceInfo>& resourceTable();
const ResourceInfo* findResource(std::string_view group, std::string_view version, std::string_view plural);
const ResourceInfo* findByKind(std::string_view apiVersion, std::string_view kind);

struct GroupVersions {
  std::string group;
  std::vector<std::string> versions;  // preferred first
};
// Named API groups (not the core group), in a stable order.
std::vector<GroupVersions> apiGroups();

}  // namespace sim
