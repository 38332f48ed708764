#include "cluster/label_selector.hpp"

#include <algorithm>
#include <cctype>

namespace wu::cluster {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// Splits on commas outside parentheses.
std::vector<std::string> split_requirements(const std::string& text) {
  std::vector<std::string> parts;
  std::string cur;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  parts.push_back(trim(cur));
  return parts;
}

bool valid_key(const std::string& k) {
  if (k.empty()) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
  });
}

}  // namespace

LabelSelector LabelSelector::parse(const std::string& text) {
  LabelSelector sel;
  if (trim(text).empty()) return sel;
  for (const auto& part : split_requirements(text)) {
    if (part.empty()) throw SelectorError("invalid label selector \"" + text + "\": empty requirement");
    Requirement r;
    auto set_op = [&](std::size_t pos, const char* word, Op op) {
      const std::string key = trim(part.substr(0, pos));
      std::string rest = trim(part.substr(pos + std::string(word).size()));
      if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')')
        throw SelectorError("invalid label selector \"" + text + "\": expected a list in parentheses after \"" +
                            word + "\"");
      r.key = key;
      r.op = op;
      std::string inner = rest.substr(1, rest.size() - 2);
      std::size_t start = 0;
      while (true) {
        auto comma = inner.find(',', start);
        r.values.push_back(trim(inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    };
    std::size_t pos;
    if ((pos = part.find(" notin ")) != std::string::npos) set_op(pos, " notin ", Op::NotIn);
    else if ((pos = part.find(" in ")) != std::string::npos) set_op(pos, " in ", Op::In);
    else if ((pos = part.find("!=")) != std::string::npos) {
      r = {trim(part.substr(0, pos)), Op::NotEquals, {trim(part.substr(pos + 2))}};
    } else if ((pos = part.find("==")) != std::string::npos) {
      r = {trim(part.substr(0, pos)), Op::Equals, {trim(part.substr(pos + 2))}};
    } else if ((pos = part.find('=')) != std::string::npos) {
      r = {trim(part.substr(0, pos)), Op::Equals, {trim(part.substr(pos + 1))}};
    } else if (part[0] == '!') {
      r = {trim(part.substr(1)), Op::NotExists, {}};
    } else {
      r = {part, Op::Exists, {}};
    }
    if (!valid_key(r.key)) throw SelectorError("invalid label selector \"" + text + "\": bad key \"" + r.key + "\"");
    sel.requirements_.push_back(std::move(r));
  }
  return sel;
}

bool LabelSelector::matches(const Labels& labels) const {
  for (const auto& r : requirements_) {
    const std::string* value = nullptr;
    for (const auto& [k, v] : labels)
      if (k == r.key) value = &v;
    const bool in_list = value && std::find(r.values.begin(), r.values.end(), *value) != r.values.end();
    switch (r.op) {
      case Op::Equals:
      case Op::In:
        if (!in_list) return false;
        break;
      case Op::NotEquals:
      case Op::NotIn:
        if (in_list) return false;
        break;
      case Op::Exists:
        if (!value) return false;
        break;
      case Op::NotExists:
        if (value) return false;
        break;
    }
  }
  return true;
}

std::optional<std::vector<std::pair<std::string, std::string>>> LabelSelector::equalities() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : requirements_) {
    if (r.op != Op::Equals || r.values.size() != 1) return std::nullopt;
    out.emplace_back(r.key, r.values.front());
  }
  return out;
}

}  // namespace wu::cluster
