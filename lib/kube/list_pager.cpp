#include "kube/list_pager.hpp"

#include <simdjson.h>

#include "kube/errors.hpp"

namespace wu::kube {

// simdjson's on-demand parser skips the items without building anything: a 2 MB page of 500 VMIs
// costs about a millisecond, where a full JSON lexer took several (BENCHMARKS.md, plan).
ListMeta extract_list_meta(std::string_view body) {
  namespace od = simdjson::ondemand;
  thread_local od::parser parser;
  ListMeta meta;
  try {
    simdjson::padded_string padded(body.data(), body.size());
    od::document doc = parser.iterate(padded);
    od::object root = doc.get_object();
    for (auto field : root) {
      std::string_view key = field.unescaped_key();
      if (key != "metadata") continue;
      od::object md = field.value().get_object();
      for (auto m : md) {
        std::string_view k = m.unescaped_key();
        if (k == "continue") meta.continue_token = std::string(std::string_view(m.value().get_string()));
        else if (k == "resourceVersion") meta.resource_version = std::string(std::string_view(m.value().get_string()));
        else if (k == "remainingItemCount") meta.remaining_item_count = static_cast<long long>(m.value().get_int64());
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    throw KubeError(std::string("the server returned a list that is not valid JSON: ") + e.what());
  }
  return meta;
}

}  // namespace wu::kube
