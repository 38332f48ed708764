// Label and field selectors with the grammar and error behaviour of
// k8s.io/apimachinery pkg/labels and pkg/fields.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sim {

struct ResourceInfo;

using Labels = std::map<std::string, std::string>;

class LabelSelector {
 public:
  enum class Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist, GreaterThan, LessThan };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };

  // Throws std::invalid_argument with an API-server-like message on bad syntax.
  static LabelSelector parse(const std::string& text);
  bool matches(const Labels& labels) const;
  bool empty() const { return reqs_.empty(); }
  const std::vector<Requirement>& requirements() const { return reqs_; }

 private:
  std::vector<Requirement> reqs_;
};

class FieldSelector {
 public:
  struct Term {
    std::string field;
    bool negate;
    std::string value;
  };
  // Throws std::invalid_argument on bad syntax, and on fields the resource does not
  // support ("field label not supported: <label>").
  static FieldSelector parse(const std::string& text, const ResourceInfo& resource);
  // fields: values of the selectable fields of one object (missing = "").
  bool matches(const std::map<std::string, std::string>& fields) const;
  bool empty() const { return terms_.empty(); }
  const std::vector<Term>& terms() const { return terms_; }

 private:
  std::vector<Term> terms_;
};

// Value of a selectable field in an object, as the API server's field-label
// conversion renders it ("" when absent, booleans as true/false).
std::string fieldValue(const nlohmann::json& obj, const std::string& field);
// All selectable field values of an object of the given resource.
std::map<std::string, std::string> selectableFieldValues(const nlohmann::json& obj, const ResourceInfo& resource);

}  // namespace sim
