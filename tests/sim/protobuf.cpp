#include "protobuf.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace sim {

using nlohmann::json;

namespace {

// A decoded message: field number -> values (varints as numbers, length-delimited as bytes).
struct Field {
  uint64_t varint = 0;
  std::string bytes;
  bool isBytes = false;
};
using Message = std::multimap<int, Field>;

bool readVarint(const std::string& s, size_t& i, uint64_t& out) {
  out = 0;
  for (int shift = 0; shift < 64 && i < s.size(); shift += 7) {
    uint8_t b = static_cast<uint8_t>(s[i++]);
    out |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

bool parse(const std::string& s, Message& m) {
  size_t i = 0;
  while (i < s.size()) {
    uint64_t key;
    if (!readVarint(s, i, key)) return false;
    Field f;
    switch (key & 7) {
      case 0:
        if (!readVarint(s, i, f.varint)) return false;
        break;
      case 1:
        if (i + 8 > s.size()) return false;
        i += 8;
        break;
      case 5:
        if (i + 4 > s.size()) return false;
        i += 4;
        break;
      case 2: {
        uint64_t len;
        if (!readVarint(s, i, len) || len > s.size() - i) return false;
        f.bytes = s.substr(i, len);
        f.isBytes = true;
        i += len;
        break;
      }
      default:
        return false;
    }
    m.emplace(static_cast<int>(key >> 3), std::move(f));
  }
  return true;
}

std::string str(const Message& m, int field) {
  auto it = m.find(field);
  return it != m.end() && it->second.isBytes ? it->second.bytes : std::string();
}

std::optional<Message> sub(const Message& m, int field) {
  auto it = m.find(field);
  if (it == m.end() || !it->second.isBytes) return std::nullopt;
  Message out;
  if (!parse(it->second.bytes, out)) return std::nullopt;
  return out;
}

json objectMeta(const Message& m) {
  json md = json::object();
  if (auto s = str(m, 1); !s.empty()) md["name"] = s;
  if (auto s = str(m, 2); !s.empty()) md["generateName"] = s;
  if (auto s = str(m, 3); !s.empty()) md["namespace"] = s;
  auto [lb, le] = m.equal_range(11);
  for (auto it = lb; it != le; ++it) {
    Message e;
    if (parse(it->second.bytes, e)) md["labels"][str(e, 1)] = str(e, 2);
  }
  auto [ab, ae] = m.equal_range(12);
  for (auto it = ab; it != ae; ++it) {
    Message e;
    if (parse(it->second.bytes, e)) md["annotations"][str(e, 1)] = str(e, 2);
  }
  return md;
}

json deleteOptions(const Message& m) {
  json o = json::object();
  if (auto it = m.find(1); it != m.end()) o["gracePeriodSeconds"] = static_cast<int64_t>(it->second.varint);
  if (auto p = sub(m, 2)) {
    json pre = json::object();
    if (auto s = str(*p, 1); !s.empty()) pre["uid"] = s;
    if (auto s = str(*p, 2); !s.empty()) pre["resourceVersion"] = s;
    o["preconditions"] = pre;
  }
  if (auto s = str(m, 4); !s.empty()) o["propagationPolicy"] = s;
  auto [b, e] = m.equal_range(5);
  for (auto it = b; it != e; ++it) o["dryRun"].push_back(it->second.bytes);
  return o;
}

}  // namespace

std::optional<json> decodeKubernetesProtobuf(const std::string& body, std::string& why) {
  static const std::string magic("k8s\0", 4);
  if (body.compare(0, 4, magic) != 0) {
    why = "missing the k8s protobuf envelope";
    return std::nullopt;
  }
  Message unknown;
  if (!parse(body.substr(4), unknown)) {
    why = "malformed protobuf";
    return std::nullopt;
  }
  auto typeMeta = sub(unknown, 1);
  auto raw = unknown.find(2);
  if (!typeMeta || raw == unknown.end()) {
    why = "protobuf envelope without type or object";
    return std::nullopt;
  }
  const std::string apiVersion = str(*typeMeta, 1), kind = str(*typeMeta, 2);
  Message obj;
  if (!parse(raw->second.bytes, obj)) {
    why = "malformed protobuf object";
    return std::nullopt;
  }
  json out = {{"apiVersion", apiVersion}, {"kind", kind}};
  if (auto md = sub(obj, 1)) out["metadata"] = objectMeta(*md);
  if (kind == "SelfSubjectAccessReview") {
    json spec = json::object();
    if (auto s = sub(obj, 2)) {
      if (auto ra = sub(*s, 1)) {
        static const char* names[] = {"", "namespace", "verb", "group", "version", "resource", "subresource", "name"};
        json attrs = json::object();
        for (int f = 1; f <= 7; ++f)
          if (auto v = str(*ra, f); !v.empty()) attrs[names[f]] = v;
        spec["resourceAttributes"] = attrs;
      }
      if (auto na = sub(*s, 2)) spec["nonResourceAttributes"] = {{"path", str(*na, 1)}, {"verb", str(*na, 2)}};
    }
    out["spec"] = spec;
  } else if (kind == "SelfSubjectReview") {
    // Nothing to read: the answer is about the caller.
  } else if (kind == "Eviction") {
    if (auto d = sub(obj, 2)) out["deleteOptions"] = deleteOptions(*d);
  } else if (kind == "Namespace") {  // kubectl create namespace
    json finalizers = json::array();
    if (auto spec = sub(obj, 2)) {
      auto [b, e] = spec->equal_range(1);
      for (auto it = b; it != e; ++it) finalizers.push_back(it->second.bytes);
    }
    out["spec"] = {{"finalizers", finalizers}};
  } else if (kind == "TokenRequest") {  // kubectl create token (TokenRequestSpec: audiences 1, boundObjectRef 3, expirationSeconds 4)
    json spec = json::object();
    if (auto sp = sub(obj, 2)) {
      auto [b, e] = sp->equal_range(1);
      for (auto it = b; it != e; ++it) spec["audiences"].push_back(it->second.bytes);
      if (auto it = sp->find(4); it != sp->end() && !it->second.isBytes)
        spec["expirationSeconds"] = static_cast<int64_t>(it->second.varint);
      if (auto ref = sub(*sp, 3))
        spec["boundObjectRef"] = {{"kind", str(*ref, 1)}, {"apiVersion", str(*ref, 2)}, {"name", str(*ref, 3)},
                                  {"uid", str(*ref, 4)}};
    }
    out["spec"] = spec;
  } else if (kind == "DeleteOptions") {
    json o = deleteOptions(obj);
    o["apiVersion"] = apiVersion;
    o["kind"] = kind;
    return o;
  } else {
    why = "protobuf bodies of kind " + kind + " are not supported; send JSON";
    return std::nullopt;
  }
  return out;
}

}  // namespace sim
