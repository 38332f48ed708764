#include "patch.hpp"

#include <vector>

namespace sim {

using nlohmann::json;

PatchType patchTypeFromContentType(const std::string& contentType) {
  std::string ct = contentType.substr(0, contentType.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  if (ct == "application/merge-patch+json") return PatchType::Merge;
  if (ct == "application/json-patch+json") return PatchType::Json;
  if (ct == "application/strategic-merge-patch+json") return PatchType::StrategicMerge;
  if (ct == "application/apply-patch+yaml") return PatchType::Apply;
  return PatchType::Unknown;
}

json applyMergePatch(const json& target, const json& patch) {
  if (!patch.is_object() && !patch.is_null() && !patch.is_array())
    throw PatchError(true, "invalid JSON document: merge patch must be a JSON object");
  json out = target;
  out.merge_patch(patch);
  return out;
}

namespace {

std::vector<std::string> splitPointer(const std::string& path) {
  std::vector<std::string> parts;
  if (path.empty()) return parts;
  if (path[0] != '/') throw PatchError(false, "JSON pointer must start with '/': \"" + path + "\"");
  size_t start = 1;
  for (;;) {
    size_t slash = path.find('/', start);
    std::string raw = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    std::string tok;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        tok += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        tok += raw[i];
      }
    }
    parts.push_back(tok);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

bool parseIndex(const std::string& tok, size_t& idx) {
  if (tok.empty() || tok.size() > 18) return false;
  for (char c : tok)
    if (c < '0' || c > '9') return false;
  if (tok.size() > 1 && tok[0] == '0') return false;
  idx = std::stoull(tok);
  return true;
}

// Resolves the container that holds the last token of path.
json* parentOf(json& doc, const std::vector<std::string>& parts, const std::string& op, const std::string& path) {
  json* cur = &doc;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const auto& t = parts[i];
    if (cur->is_object()) {
      auto it = cur->find(t);
      if (it == cur->end())
        throw PatchError(false, op + " operation does not apply: doc is missing path: \"" + path + "\": missing value");
      cur = &*it;
    } else if (cur->is_array()) {
      size_t idx;
      if (!parseIndex(t, idx) || idx >= cur->size())
        throw PatchError(false, op + " operation does not apply: doc is missing path: \"" + path + "\": missing value");
      cur = &(*cur)[idx];
    } else {
      throw PatchError(false, op + " operation does not apply: doc is missing path: \"" + path + "\": missing value");
    }
  }
  return cur;
}

json* locate(json& doc, const std::string& path, const std::string& op) {
  auto parts = splitPointer(path);
  if (parts.empty()) return &doc;
  json* parent = parentOf(doc, parts, op, path);
  const auto& last = parts.back();
  if (parent->is_object()) {
    auto it = parent->find(last);
    if (it != parent->end()) return &*it;
  } else if (parent->is_array()) {
    size_t idx;
    if (parseIndex(last, idx) && idx < parent->size()) return &(*parent)[idx];
  }
  throw PatchError(false, op + " operation does not apply: doc is missing path: \"" + path + "\": missing value");
}

void addAt(json& doc, const std::string& path, json value, const std::string& op) {
  auto parts = splitPointer(path);
  if (parts.empty()) {
    doc = std::move(value);
    return;
  }
  json* parent = parentOf(doc, parts, op, path);
  const auto& last = parts.back();
  if (parent->is_object()) {
    (*parent)[last] = std::move(value);
  } else if (parent->is_array()) {
    if (last == "-") {
      parent->push_back(std::move(value));
      return;
    }
    size_t idx;
    if (!parseIndex(last, idx) || idx > parent->size())
      throw PatchError(false, op + " operation does not apply: index out of bounds: \"" + path + "\"");
    parent->insert(parent->begin() + static_cast<std::ptrdiff_t>(idx), std::move(value));
  } else {
    throw PatchError(false, op + " operation does not apply: doc is missing path: \"" + path + "\": missing value");
  }
}

json removeAt(json& doc, const std::string& path, const std::string& op) {
  auto parts = splitPointer(path);
  if (parts.empty()) throw PatchError(false, op + " operation does not apply: cannot remove the whole document");
  json* parent = parentOf(doc, parts, op, path);
  const auto& last = parts.back();
  if (parent->is_object()) {
    auto it = parent->find(last);
    if (it != parent->end()) {
      json v = std::move(*it);
      parent->erase(it);
      return v;
    }
  } else if (parent->is_array()) {
    size_t idx;
    if (parseIndex(last, idx) && idx < parent->size()) {
      json v = std::move((*parent)[idx]);
      parent->erase(parent->begin() + static_cast<std::ptrdiff_t>(idx));
      return v;
    }
  }
  throw PatchError(false, op + " operation does not apply: doc is missing path: \"" + path + "\": missing value");
}

std::string member(const json& op, const char* name, bool required) {
  auto it = op.find(name);
  if (it == op.end() || !it->is_string()) {
    if (required) throw PatchError(true, std::string("missing or invalid '") + name + "' in JSON patch operation");
    return "";
  }
  return it->get<std::string>();
}

}  // namespace

json applyJsonPatch(const json& target, const json& ops) {
  if (!ops.is_array()) throw PatchError(true, "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  json doc = target;
  for (const auto& op : ops) {
    if (!op.is_object()) throw PatchError(true, "JSON patch operation must be an object");
    const std::string kind = member(op, "op", true);
    const std::string path = member(op, "path", true);
    if (kind == "add" || kind == "replace" || kind == "test") {
      auto v = op.find("value");
      if (v == op.end()) throw PatchError(true, kind + " operation missing value for path " + path);
      if (kind == "add") {
        addAt(doc, path, *v, kind);
      } else if (kind == "replace") {
        *locate(doc, path, kind) = *v;
      } else {
        json* cur = nullptr;
        try {
          cur = locate(doc, path, kind);
        } catch (const PatchError&) {
          if (!v->is_null()) throw PatchError(false, "testing value " + path + " failed: test failed");
          continue;  // a missing path tests equal to null
        }
        if (*cur != *v) throw PatchError(false, "testing value " + path + " failed: test failed");
      }
    } else if (kind == "remove") {
      removeAt(doc, path, kind);
    } else if (kind == "move" || kind == "copy") {
      const std::string from = member(op, "from", true);
      json v = kind == "move" ? removeAt(doc, from, kind) : *locate(doc, from, kind);
      addAt(doc, path, std::move(v), kind);
    } else {
      throw PatchError(true, "Unexpected kind: " + kind);
    }
  }
  return doc;
}

}  // namespace sim
