#pragma once
// LIST pagination helpers: the ListOptions a caller gives, and cheap
// extraction of a page's list metadata (continue token, resourceVersion)
// without building a DOM of the items.
#include <optional>
#include <string>
#include <string_view>

namespace wu::kube {

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int limit = 500;  // page size (kubectl --chunk-size); 0 = no pagination
  // "" = most recent (quorum read); "0" = any (watch cache)
  std::string resource_version;
  std::string resource_version_match;  // "", "NotOlderThan", "Exact"
};

struct ListMeta {
  std::string continue_token;
  std::string resource_version;
  std::optional<long long> remaining_item_count;
};

// Reads only the top-level "metadata" of a List body (a SAX pass: the items
// are skipped, not materialised). Throws KubeError when the body is not JSON.
ListMeta extract_list_meta(std::string_view body);

struct ListSummary {
  std::string resource_version;  // of the last page: where a watch starts
  int pages = 0;
  int restarts = 0;  // relists after a 410 Expired continue token
};

}  // namespace wu::kube
