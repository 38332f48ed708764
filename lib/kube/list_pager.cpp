#include "kube/list_pager.hpp"

#include <nlohmann/json.hpp>

#include "kube/errors.hpp"

namespace wu::kube {
namespace {

// Tracks depth; records string/number values of keys directly under the
// top-level "metadata" object.
class MetaSax : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit MetaSax(ListMeta& out) : out_(out) {}
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t v) override { return number(v); }
  bool number_unsigned(number_unsigned_t v) override { return number(static_cast<long long>(v)); }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t& v) override {
    if (in_metadata()) {
      if (key_ == "continue") out_.continue_token = v;
      else if (key_ == "resourceVersion") out_.resource_version = v;
    }
    return true;
  }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    ++depth_;
    if (depth_ == 2 && top_key_ == "metadata") metadata_depth_ = depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1) top_key_ = k;
    key_ = k;
    return true;
  }
  bool end_object() override {
    if (depth_ == metadata_depth_) metadata_depth_ = -1;
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t pos, const std::string&, const nlohmann::detail::exception& e) override {
    throw KubeError("the server returned a list that is not valid JSON (at byte " + std::to_string(pos) +
                    "): " + e.what());
  }

 private:
  bool in_metadata() const { return metadata_depth_ == 2 && depth_ == 2; }
  bool number(long long v) {
    if (in_metadata() && key_ == "remainingItemCount") out_.remaining_item_count = v;
    return true;
  }
  ListMeta& out_;
  int depth_ = 0;
  int metadata_depth_ = -1;
  std::string top_key_, key_;
};

}  // namespace

ListMeta extract_list_meta(std::string_view body) {
  ListMeta meta;
  MetaSax sax(meta);
  nlohmann::json::sax_parse(body.begin(), body.end(), &sax);
  return meta;
}

}  // namespace wu::kube
