#pragma once
// Kubernetes label selectors (`-l`), matched client-side for offline dumps: k=v, k==v, k!=v,
// k in (a,b), k notin (a,b), k (exists), !k (absent); commas mean AND.
#include <optional>
#include <stdexcept>
#include <utility>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"

namespace wu::cluster {

class SelectorError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LabelSelector {
 public:
  // Throws SelectorError naming the bad part.
  static LabelSelector parse(const std::string& text);
  bool matches(const Labels& labels) const;
  bool empty() const { return requirements_.empty(); }
  // The KEY=VALUE pairs of a selector made only of equalities (a node selector); nullopt otherwise.
  std::optional<std::vector<std::pair<std::string, std::string>>> equalities() const;

 private:
  enum class Op { Equals, NotEquals, In, NotIn, Exists, NotExists };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };
  std::vector<Requirement> requirements_;
};

}  // namespace wu::cluster
