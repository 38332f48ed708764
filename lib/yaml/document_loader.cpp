#include "yaml/document_loader.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <istream>
#include <map>
#include <streambuf>
#include <unordered_set>

#include "util/text_checks.hpp"
#include "yaml/scalar_resolve.hpp"

namespace wu::yaml {

namespace {

// An istream over memory we already hold, so a 40 MB input is not copied a second time.
class MemoryBuffer : public std::streambuf {
 public:
  explicit MemoryBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

Mark to_mark(const YAML::Mark& m) {
  if (m.line < 0) return {};
  return Mark{m.line + 1, m.column + 1};
}

std::size_t count_nodes(const Node& n) {
  std::size_t total = 1;
  for (const auto& item : n.items) total += count_nodes(item);
  for (const auto& e : n.entries) total += count_nodes(e.value);
  return total;
}

// Builds one document's tree from parser events with an explicit stack (no recursion).
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string_view text, const LoadLimits& limits) : text_(text), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 answers a stray flow indicator (",", "]" after a block) with an empty document
    // that consumes nothing, for ever (jbeder/yaml-cpp#1040): a document must start further on.
    if (started_ && mark.pos <= last_start_pos_)
      throw LoadError("unexpected character '" + std::string(1, char_at(mark.pos)) + "' outside a flow collection",
                      to_mark(mark), "remove it, or quote the value it belongs to");
    started_ = true;
    last_start_pos_ = mark.pos;
    doc_ = Document{};
    doc_.start = to_mark(mark);
    stack_.clear();
    anchors_.clear();
    alias_nodes_ = 0;
    nodes_ = 0;
    has_root_ = false;
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    count_nodes_added(1, mark);
    Node n;
    n.kind = Kind::Null;
    n.mark = to_mark(mark);
    add(std::move(n), anchor, mark, "");
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw LoadError("unknown alias", to_mark(mark));
    const std::size_t expanded = count_nodes(it->second);
    alias_nodes_ += expanded;
    if (alias_nodes_ > limits_.max_alias_nodes)
      throw LoadError("document contains excessive aliasing (aliases expand to more than " +
                          std::to_string(limits_.max_alias_nodes) + " nodes)",
                      to_mark(mark), "this looks like an alias bomb; write the values out instead of nesting aliases");
    count_nodes_added(expanded, mark);
    Node copy = it->second;
    copy.mark = to_mark(mark);
    add(std::move(copy), YAML::NullAnchor, mark, "");
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    count_nodes_added(1, mark);
    Node n;
    n.mark = to_mark(mark);
    resolve_scalar(value, tag, n);
    add(std::move(n), anchor, mark, tag);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Kind::Seq, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Kind::Map, mark, anchor);
  }
  void OnMapEnd() override { close(); }

  bool has_root() const { return has_root_; }
  Document take() { return std::move(doc_); }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor = YAML::NullAnchor;
    std::string key_in_parent;  // for paths in messages
    bool awaiting_value = false;  // maps: a key was read, its value comes next
    std::string pending_key;
    Mark pending_key_mark;
    std::map<std::string, Mark> seen_keys;
  };

  void count_nodes_added(std::size_t n, const YAML::Mark& mark) {
    nodes_ += n;
    if (nodes_ > limits_.max_nodes)
      throw LoadError("document has more than " + std::to_string(limits_.max_nodes) + " nodes", to_mark(mark),
                      "no HyperConverged or KubeVirt CR comes near this; for a large dump, use JSON "
                      "(`oc get ... -o json`), which is read one object at a time");
  }

  void open(Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    count_nodes_added(1, mark);
    if (static_cast<int>(stack_.size()) >= limits_.max_depth)
      throw LoadError("nesting is deeper than " + std::to_string(limits_.max_depth) + " levels", to_mark(mark),
                      "no Kubernetes object nests this deep; check that this is the file you meant");
    if (!stack_.empty() && stack_.back().node.kind == Kind::Map && !stack_.back().awaiting_value)
      throw LoadError("a mapping key must be a scalar (complex keys are not valid in Kubernetes objects)",
                      to_mark(mark));
    Frame f;
    f.node.kind = kind;
    f.node.mark = to_mark(mark);
    f.anchor = anchor;
    if (!stack_.empty()) f.key_in_parent = child_label();
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.node.kind == Kind::Map) apply_merge_keys(f.node);
    attach(std::move(f.node), f.anchor);
  }

  // go-yaml honours YAML merge keys ("<<: *base"): keys from the merged maps that the map does
  // not set itself are added, the first merged map winning. One hash lookup per key keeps this
  // linear in the size of the map and its sources.
  static void apply_merge_keys(Node& map) {
    bool has_merge = false;
    for (const auto& e : map.entries) has_merge = has_merge || (e.key == "<<" && (e.value.is_map() || e.value.is_seq()));
    if (!has_merge) return;
    std::vector<Entry> merged;
    std::vector<Node> sources;
    for (auto& e : map.entries) {
      if (e.key == "<<" && e.value.is_map()) sources.push_back(std::move(e.value));
      else if (e.key == "<<" && e.value.is_seq()) {
        for (auto& item : e.value.items)
          if (item.is_map()) sources.push_back(std::move(item));
      } else {
        merged.push_back(std::move(e));
      }
    }
    std::unordered_set<std::string> present;
    for (const auto& k : merged) present.insert(k.key);
    for (auto& src : sources)
      for (auto& e : src.entries)
        if (present.insert(e.key).second) merged.push_back(std::move(e));
    map.entries = std::move(merged);
  }

  std::string child_label() const {
    const Frame& parent = stack_.back();
    if (parent.node.kind == Kind::Map) return parent.pending_key;
    return "[" + std::to_string(parent.node.items.size()) + "]";
  }

  std::string path_of_top() const {
    std::string path;
    for (std::size_t i = 1; i < stack_.size(); ++i) {
      const std::string& k = stack_[i].key_in_parent;
      if (!k.empty() && k.front() == '[') path += k;
      else path = join_path(path, k);
    }
    return path;
  }

  void add(Node&& n, YAML::anchor_t anchor, const YAML::Mark& mark, const std::string&) {
    if (!stack_.empty()) {
      Frame& top = stack_.back();
      if (top.node.kind == Kind::Map && !top.awaiting_value) {
        // This scalar is a key.
        if (!n.is_scalar()) throw LoadError("a mapping key must be a scalar", to_mark(mark));
        std::string key = n.kind == Kind::Null ? std::string() : n.text;
        if (n.kind == Kind::Null && n.text.empty()) key = "null";
        auto [it, inserted] = top.seen_keys.emplace(key, n.mark);
        if (!inserted && key != "<<")
          doc_.duplicate_keys.push_back({join_path(path_of_top(), key), key, n.mark, it->second});
        top.pending_key = std::move(key);
        top.pending_key_mark = n.mark;
        top.awaiting_value = true;
        return;
      }
    }
    attach(std::move(n), anchor);
  }

  void attach(Node&& n, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = n;
    if (stack_.empty()) {
      doc_.root = std::move(n);
      has_root_ = true;
      return;
    }
    Frame& top = stack_.back();
    if (top.node.kind == Kind::Seq) {
      top.node.items.push_back(std::move(n));
    } else {
      top.node.entries.push_back(Entry{std::move(top.pending_key), top.pending_key_mark, std::move(n)});
      top.awaiting_value = false;
    }
  }

  char char_at(int pos) const {
    return pos >= 0 && static_cast<std::size_t>(pos) < text_.size() ? text_[static_cast<std::size_t>(pos)] : '?';
  }

  std::string_view text_;
  const LoadLimits& limits_;
  bool started_ = false;
  int last_start_pos_ = -1;
  Document doc_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, Node> anchors_;
  std::size_t alias_nodes_ = 0;
  std::size_t nodes_ = 0;
  bool has_root_ = false;
};

}  // namespace

std::string join_path(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

void load_documents(std::string_view text, const std::function<void(Document&&)>& on_document,
                    const LoadLimits& limits) {
  if (util::has_utf16_or_32_bom(text))
    throw LoadError("input is UTF-16 or UTF-32", Mark{1, 1}, "convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8");
  if (auto bad = util::find_non_text(text))
    throw LoadError("input contains " + bad->what + "; YAML and JSON input must be UTF-8 text",
                    Mark{bad->line, bad->column}, "check that this is a YAML or JSON file and not binary data");

  MemoryBuffer buffer(text);
  std::istream in(&buffer);
  YAML::Parser parser(in);
  TreeBuilder builder(text, limits);
  int index = 0;
  try {
    while (parser.HandleNextDocument(builder)) {
      if (!builder.has_root()) continue;
      Document doc = builder.take();
      // Empty documents ("---" with nothing after it) are skipped, as kubectl does.
      if (doc.root.is_null() && doc.root.text.empty()) continue;
      doc.index = index++;
      on_document(std::move(doc));
    }
  } catch (const YAML::ParserException& e) {
    throw LoadError(e.msg, to_mark(e.mark));
  } catch (const YAML::Exception& e) {
    throw LoadError(e.msg, to_mark(e.mark));
  }
}

}  // namespace wu::yaml
