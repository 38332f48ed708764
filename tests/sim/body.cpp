#include "body.hpp"

#include <yaml-cpp/yaml.h>

#include "protobuf.hpp"
#include "status_errors.hpp"
#include "yaml_json.hpp"

namespace sim {

using nlohmann::json;

json readBody(const httplib::Request& req, bool allowEmpty) {
  if (req.body.empty()) {
    if (allowEmpty) return json::object();
    throw badRequest("the body of the request was empty");
  }
  const std::string ct = req.get_header_value("Content-Type");
  if (ct.rfind("application/vnd.kubernetes.protobuf", 0) == 0) {
    std::string why;
    if (auto j = decodeKubernetesProtobuf(req.body, why)) return *j;
    throw unsupportedMediaType(why);
  }
  if (ct.find("cbor") != std::string::npos)
    throw unsupportedMediaType("the body of the request was in an unknown format - accepted media types include: "
                               "application/json, application/yaml, application/vnd.kubernetes.protobuf");
  if (ct.rfind("application/yaml", 0) == 0) {
    try {
      return yamlToJson(YAML::Load(req.body));
    } catch (const YAML::Exception& e) {
      throw badRequest(std::string("error converting YAML to JSON: ") + e.what());
    }
  }
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded()) throw badRequest("couldn't get version/kind; json parse error: invalid JSON in request body");
  return j;
}

}  // namespace sim
