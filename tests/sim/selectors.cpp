#include "selectors.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "resources.hpp"

namespace sim {

namespace {

// --- label selector lexer (mirrors labels.Lexer: identifiers end at special characters) ---
enum class Tok { End, Ident, Comma, Open, Close, Not, Eq, DoubleEq, NotEq, In, NotIn, Gt, Lt };

struct Token {
  Tok kind;
  std::string text;
};

bool isSpecial(char c) { return c == '!' || c == '=' || c == '(' || c == ')' || c == ',' || c == '<' || c == '>'; }

std::vector<Token> lex(const std::string& s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == ',') { out.push_back({Tok::Comma, ","}); ++i; continue; }
    if (c == '(') { out.push_back({Tok::Open, "("}); ++i; continue; }
    if (c == ')') { out.push_back({Tok::Close, ")"}); ++i; continue; }
    if (c == '>') { out.push_back({Tok::Gt, ">"}); ++i; continue; }
    if (c == '<') { out.push_back({Tok::Lt, "<"}); ++i; continue; }
    if (c == '!') {
      if (i + 1 < s.size() && s[i + 1] == '=') { out.push_back({Tok::NotEq, "!="}); i += 2; }
      else { out.push_back({Tok::Not, "!"}); ++i; }
      continue;
    }
    if (c == '=') {
      if (i + 1 < s.size() && s[i + 1] == '=') { out.push_back({Tok::DoubleEq, "=="}); i += 2; }
      else { out.push_back({Tok::Eq, "="}); ++i; }
      continue;
    }
    size_t j = i;
    while (j < s.size() && !isSpecial(s[j]) && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    std::string word = s.substr(i, j - i);
    if (word == "in") out.push_back({Tok::In, word});
    else if (word == "notin") out.push_back({Tok::NotIn, word});
    else out.push_back({Tok::Ident, word});
    i = j;
  }
  out.push_back({Tok::End, ""});
  return out;
}

bool isAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Qualified name: [prefix/]name, name ≤63 chars of [A-Za-z0-9-_.] starting and ending alphanumeric.
bool validName(const std::string& n, size_t maxLen) {
  if (n.empty() || n.size() > maxLen) return false;
  if (!isAlnum(n.front()) || !isAlnum(n.back())) return false;
  return std::all_of(n.begin(), n.end(), [](char c) { return isAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool validDnsSubdomain(const std::string& p) {
  if (p.empty() || p.size() > 253) return false;
  if (!isAlnum(p.front()) || !isAlnum(p.back())) return false;
  return std::all_of(p.begin(), p.end(),
                     [](char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.'; });
}

void validateKey(const std::string& key) {
  auto slash = key.find('/');
  std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
  bool ok = validName(name, 63) && (slash == std::string::npos || validDnsSubdomain(key.substr(0, slash)));
  if (!ok)
    throw std::invalid_argument("unable to parse requirement: values[0][" + key + "]: Invalid value: \"" + key +
                                "\": name part must consist of alphanumeric characters, '-', '_' or '.', and must "
                                "start and end with an alphanumeric character");
}

void validateValue(const std::string& key, const std::string& v) {
  if (v.empty()) return;
  if (!validName(v, 63))
    throw std::invalid_argument("unable to parse requirement: values[0][" + key + "]: Invalid value: \"" + v +
                                "\": a valid label must be an empty string or consist of alphanumeric characters, "
                                "'-', '_' or '.', and must start and end with an alphanumeric character");
}

[[noreturn]] void syntaxError(const Token& t, const std::string& expected) {
  throw std::invalid_argument("unable to parse requirement: found '" + t.text + "', expected: " + expected);
}

}  // namespace

LabelSelector LabelSelector::parse(const std::string& text) {
  LabelSelector sel;
  auto toks = lex(text);
  size_t p = 0;
  if (toks[p].kind == Tok::End) return sel;
  for (;;) {
    Requirement r;
    if (toks[p].kind == Tok::Not) {
      ++p;
      if (toks[p].kind != Tok::Ident) syntaxError(toks[p], "identifier after '!'");
      r.key = toks[p++].text;
      validateKey(r.key);
      r.op = Op::DoesNotExist;
    } else {
      if (toks[p].kind != Tok::Ident) syntaxError(toks[p], "!, identifier");
      r.key = toks[p++].text;
      validateKey(r.key);
      switch (toks[p].kind) {
        case Tok::End:
        case Tok::Comma:
          r.op = Op::Exists;
          break;
        case Tok::Eq:
        case Tok::DoubleEq:
        case Tok::NotEq: {
          r.op = toks[p].kind == Tok::NotEq ? Op::NotEquals : Op::Equals;
          ++p;
          if (toks[p].kind == Tok::Ident) r.values.push_back(toks[p++].text);
          else if (toks[p].kind == Tok::End || toks[p].kind == Tok::Comma) r.values.push_back("");
          else syntaxError(toks[p], "identifier");
          validateValue(r.key, r.values.back());
          break;
        }
        case Tok::In:
        case Tok::NotIn: {
          r.op = toks[p].kind == Tok::In ? Op::In : Op::NotIn;
          ++p;
          if (toks[p].kind != Tok::Open) syntaxError(toks[p], "'('");
          ++p;
          for (;;) {
            if (toks[p].kind == Tok::Ident) r.values.push_back(toks[p++].text);
            else r.values.push_back("");  // "in (a,)" and "in ()" carry an empty value
            validateValue(r.key, r.values.back());
            if (toks[p].kind == Tok::Comma) { ++p; continue; }
            if (toks[p].kind == Tok::Close) { ++p; break; }
            syntaxError(toks[p], "',' or ')'");
          }
          break;
        }
        case Tok::Gt:
        case Tok::Lt: {
          r.op = toks[p].kind == Tok::Gt ? Op::GreaterThan : Op::LessThan;
          ++p;
          if (toks[p].kind != Tok::Ident) syntaxError(toks[p], "identifier");
          const std::string v = toks[p++].text;
          char* end = nullptr;
          std::strtoll(v.c_str(), &end, 10);
          if (v.empty() || *end != '\0')
            throw std::invalid_argument("unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer");
          r.values.push_back(v);
          break;
        }
        default:
          syntaxError(toks[p], "=, !=, ==, in, notin");
      }
    }
    sel.reqs_.push_back(std::move(r));
    if (toks[p].kind == Tok::End) break;
    if (toks[p].kind != Tok::Comma) syntaxError(toks[p], "','");
    ++p;
  }
  return sel;
}

bool LabelSelector::matches(const Labels& labels) const {
  for (const auto& r : reqs_) {
    auto it = labels.find(r.key);
    bool has = it != labels.end();
    switch (r.op) {
      case Op::Exists:
        if (!has) return false;
        break;
      case Op::DoesNotExist:
        if (has) return false;
        break;
      case Op::Equals:
        if (!has || it->second != r.values[0]) return false;
        break;
      case Op::NotEquals:
        if (has && it->second == r.values[0]) return false;
        break;
      case Op::In:
        if (!has || std::find(r.values.begin(), r.values.end(), it->second) == r.values.end()) return false;
        break;
      case Op::NotIn:
        if (has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end()) return false;
        break;
      case Op::GreaterThan:
      case Op::LessThan: {
        if (!has) return false;
        char* end = nullptr;
        long long v = std::strtoll(it->second.c_str(), &end, 10);
        if (it->second.empty() || *end != '\0') return false;
        long long bound = std::strtoll(r.values[0].c_str(), nullptr, 10);
        if (r.op == Op::GreaterThan ? !(v > bound) : !(v < bound)) return false;
        break;
      }
    }
  }
  return true;
}

namespace {

// Splits on unescaped commas and unescapes "\," "\=" "\\" (fields.ParseSelector).
std::vector<std::string> splitTerms(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      cur += s[i];
      cur += s[++i];
    } else if (s[i] == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += s[i];
    }
  }
  out.push_back(cur);
  return out;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[i + 1];
      if (n != ',' && n != '=' && n != '\\')
        throw std::invalid_argument("invalid field selector: invalid escape sequence: \\" + std::string(1, n));
      out += n;
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Position of an unescaped operator in a term, or npos.
size_t findOp(const std::string& t, const std::string& op) {
  for (size_t i = 0; i + op.size() <= t.size(); ++i) {
    if (t[i] == '\\') { ++i; continue; }
    if (t.compare(i, op.size(), op) == 0) return i;
  }
  return std::string::npos;
}

}  // namespace

FieldSelector FieldSelector::parse(const std::string& text, const ResourceInfo& resource) {
  FieldSelector sel;
  if (text.empty()) return sel;
  for (const auto& raw : splitTerms(text)) {
    if (raw.empty()) continue;
    Term t;
    size_t pos;
    if ((pos = findOp(raw, "!=")) != std::string::npos) {
      t.negate = true;
      t.field = raw.substr(0, pos);
      t.value = raw.substr(pos + 2);
    } else if ((pos = findOp(raw, "==")) != std::string::npos) {
      t.negate = false;
      t.field = raw.substr(0, pos);
      t.value = raw.substr(pos + 2);
    } else if ((pos = findOp(raw, "=")) != std::string::npos) {
      t.negate = false;
      t.field = raw.substr(0, pos);
      t.value = raw.substr(pos + 1);
    } else {
      throw std::invalid_argument("invalid selector: '" + text + "'; can't understand '" + raw + "'");
    }
    t.field = unescape(t.field);
    t.value = unescape(t.value);
    if (!resource.fieldSelectable(t.field)) throw std::invalid_argument("field label not supported: " + t.field);
    sel.terms_.push_back(std::move(t));
  }
  return sel;
}

bool FieldSelector::matches(const std::map<std::string, std::string>& fields) const {
  for (const auto& t : terms_) {
    auto it = fields.find(t.field);
    const std::string v = it == fields.end() ? std::string() : it->second;
    if ((v == t.value) == t.negate) return false;
  }
  return true;
}

std::string fieldValue(const nlohmann::json& obj, const std::string& field) {
  // Events expose source.component under the short label "source".
  std::string path = field == "source" ? "source.component" : field;
  const nlohmann::json* cur = &obj;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object()) return "";
    auto it = cur->find(part);
    if (it == cur->end()) return field == "spec.hostNetwork" || field == "spec.unschedulable" ? "false" : "";
    cur = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_boolean()) return cur->get<bool>() ? "true" : "false";
  if (cur->is_null()) return "";
  return cur->dump();
}

std::map<std::string, std::string> selectableFieldValues(const nlohmann::json& obj, const ResourceInfo& resource) {
  std::map<std::string, std::string> out;
  out["metadata.name"] = fieldValue(obj, "metadata.name");
  if (resource.namespaced) out["metadata.namespace"] = fieldValue(obj, "metadata.namespace");
  for (const auto& f : resource.selectableFields) out[f] = fieldValue(obj, f);
  return out;
}

}  // namespace sim
