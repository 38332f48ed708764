#include "strategy/document_validator.hpp"

#include "strategy/advisory_rules.hpp"
#include "strategy/decode_context.hpp"
#include "strategy/stanza_decoder.hpp"
#include "util/did_you_mean.hpp"

namespace wu::strategy {

using yaml::Node;

namespace {

// Where a recognised document keeps its stanzas.
struct Layout {
  Flavor flavor = Flavor::Hco;
  std::string kind_label;
  const Node* strategy_parent = nullptr;    // the map holding workloadUpdateStrategy
  std::string strategy_parent_path;
  const Node* migrations_parent = nullptr;  // the map holding liveMigrationConfig / migrations
  std::string migrations_parent_path;
  std::string migrations_key;
  const Node* eviction_parent = nullptr;
  std::string eviction_parent_path;
  const Node* bare_strategy = nullptr;      // a bare stanza document
};

const std::vector<std::string> kStanzaKeys{"workloadUpdateMethods", "batchEvictionSize", "batchEvictionInterval"};
const std::vector<std::string> kSpecKeys{"workloadUpdateStrategy", "liveMigrationConfig", "evictionStrategy"};

bool looks_like_bare_stanza(const Node& root) {
  for (const auto& e : root.entries)
    if (util::did_you_mean(e.key, kStanzaKeys)) return true;
  return false;
}

class Validator {
 public:
  Validator(const std::string& file, const ValidateOptions& options, FileReport& report)
      : file_(file), options_(options), report_(report) {}

  void document(const yaml::Document& doc) {
    for (const auto& dup : doc.duplicate_keys) pending_duplicates_.push_back(dup);
    object(doc.root, doc.index, std::nullopt);
    pending_duplicates_.clear();
  }

 private:
  void object(const Node& root, int index, std::optional<int> item) {
    DocumentReport d;
    d.file = file_;
    d.index = index;
    d.item = item;
    d.line = root.mark.line;
    DecodeContext ctx;
    ctx.field_validation = options_.field_validation;

    if (!root.is_map()) {
      ctx.error("NotAnObject", "", root.mark,
                "document is " + yaml::describe_value(root) + ", not an object; expected a HyperConverged, a KubeVirt "
                "CR, or a workloadUpdateStrategy stanza",
                "pass the output of `oc get hco -n openshift-cnv kubevirt-hyperconverged -o yaml`");
      finish(d, ctx);
      return;
    }
    d.kind = root.string_at("kind");
    d.api_version = root.string_at("apiVersion");
    if (const Node* md = root.find("metadata"); md && md->is_map()) {
      d.name = md->string_at("name");
      d.name_space = md->string_at("namespace");
    }

    if (d.kind.size() >= 4 && d.kind.compare(d.kind.size() - 4, 4, "List") == 0 && root.find("items")) {
      const Node* items = root.find("items");
      if (items->is_seq()) {
        for (std::size_t i = 0; i < items->items.size(); ++i) object(items->items[i], index, static_cast<int>(i));
        return;
      }
    }

    Layout layout;
    if (!recognise(root, d, layout, ctx)) {
      finish(d, ctx);
      return;
    }
    d.checked = true;
    ctx.flavor = layout.flavor;
    d.kind = layout.kind_label;

    // Duplicate keys anywhere in the object: kubectl's strict decoding refuses the whole object.
    for (const auto& dup : pending_duplicates_) {
      const std::string msg = "duplicate key \"" + dup.key + "\" (first at line " + std::to_string(dup.first_mark.line) +
                              "); kubectl's strict decoding rejects the object: line " + std::to_string(dup.mark.line) +
                              ": key \"" + dup.key + "\" already set in map";
      if (options_.field_validation == FieldValidation::Strict)
        ctx.error("DuplicateKey", dup.path, dup.mark, msg, "keep one of the two entries");
      else if (options_.field_validation == FieldValidation::Warn)
        ctx.report(Severity::Warning, "DuplicateKey", dup.path, dup.mark,
                   "duplicate key \"" + dup.key + "\" (first at line " + std::to_string(dup.first_mark.line) +
                       "); the last value wins",
                   "keep one of the two entries");
    }

    StrategyStanza strategy;
    if (layout.bare_strategy) {
      strategy = decode_strategy(layout.bare_strategy, "", ctx);
    } else {
      const Node* s = layout.strategy_parent ? layout.strategy_parent->find("workloadUpdateStrategy") : nullptr;
      strategy = decode_strategy(s, yaml::join_path(layout.strategy_parent_path, "workloadUpdateStrategy"), ctx);
    }
    const Node* mig = layout.migrations_parent ? layout.migrations_parent->find(layout.migrations_key) : nullptr;
    MigrationStanza migrations =
        decode_migrations(mig, yaml::join_path(layout.migrations_parent_path, layout.migrations_key), ctx);
    EvictionStrategyField eviction =
        decode_eviction_strategy(layout.eviction_parent, yaml::join_path(layout.eviction_parent_path, "evictionStrategy"), ctx);

    EffectiveStrategy eff = effective(layout.flavor, strategy, migrations, eviction);
    run_advisory_rules(AdvisoryInput{strategy, migrations, eviction, eff}, ctx);
    if (layout.flavor == Flavor::KubeVirt && eff.workload_update_methods && eff.workload_update_methods->empty() &&
        !(strategy.methods_present && !strategy.methods_null))
      ctx.report(Severity::Info, "NoAutomatedUpdates", strategy.path + ".workloadUpdateMethods", strategy.mark,
                 "this KubeVirt CR lists no workload update methods, so KubeVirt does not update outdated VMIs by "
                 "itself (KubeVirt's default; on OpenShift, HCO sets this from the HyperConverged CR)");
    d.effective = eff;
    finish(d, ctx);
  }

  bool recognise(const Node& root, DocumentReport& d, Layout& layout, DecodeContext& ctx) {
    const Node* spec = root.find("spec");
    auto spec_map = [&](const Node* s, const std::string& path) -> const Node* {
      if (!s || s->is_null()) return nullptr;
      if (!s->is_map()) {
        ctx.error("InvalidType", path, s->mark, path + " must be an object, not " + yaml::describe_value(*s));
        return nullptr;
      }
      return s;
    };
    if (d.kind == "HyperConverged") {
      layout.flavor = Flavor::Hco;
      ctx.flavor = Flavor::Hco;
      layout.kind_label = "HyperConverged";
      layout.migrations_key = "liveMigrationConfig";
      if (d.api_version == "hco.kubevirt.io/v1beta1") {
        const Node* s = spec_map(spec, "spec");
        layout.strategy_parent = layout.migrations_parent = layout.eviction_parent = s;
        layout.strategy_parent_path = layout.migrations_parent_path = layout.eviction_parent_path = "spec";
        return true;
      }
      if (d.api_version == "hco.kubevirt.io/v1") {
        const Node* s = spec_map(spec, "spec");
        const Node* virt = s ? spec_map(s->find("virtualization"), "spec.virtualization") : nullptr;
        layout.strategy_parent = layout.migrations_parent = layout.eviction_parent = virt;
        layout.strategy_parent_path = layout.migrations_parent_path = layout.eviction_parent_path =
            "spec.virtualization";
        return true;
      }
      const Node* av = root.find("apiVersion");
      ctx.error("UnsupportedApiVersion", "apiVersion", av ? av->mark : root.mark,
                "HyperConverged apiVersion \"" + d.api_version + "\" is not served; the CRD serves hco.kubevirt.io/v1 "
                "and hco.kubevirt.io/v1beta1",
                "use apiVersion: hco.kubevirt.io/v1beta1 (stanzas under spec) or hco.kubevirt.io/v1 (under "
                "spec.virtualization)");
      return false;
    }
    if (d.kind == "KubeVirt" && (d.api_version == "kubevirt.io/v1" || d.api_version == "kubevirt.io/v1alpha3")) {
      layout.flavor = Flavor::KubeVirt;
      ctx.flavor = Flavor::KubeVirt;
      layout.kind_label = "KubeVirt";
      const Node* s = spec_map(spec, "spec");
      layout.strategy_parent = s;
      layout.strategy_parent_path = "spec";
      const Node* config = s ? spec_map(s->find("configuration"), "spec.configuration") : nullptr;
      layout.migrations_parent = layout.eviction_parent = config;
      layout.migrations_parent_path = layout.eviction_parent_path = "spec.configuration";
      layout.migrations_key = "migrations";
      return true;
    }
    if (d.kind.empty() && d.api_version.empty()) {
      bool spec_fragment = false;
      for (const auto& k : kSpecKeys) spec_fragment = spec_fragment || root.find(k);
      layout.flavor = Flavor::Hco;
      ctx.flavor = Flavor::Hco;
      layout.migrations_key = "liveMigrationConfig";
      if (spec_fragment) {
        layout.kind_label = "HyperConvergedSpec";
        layout.strategy_parent = layout.migrations_parent = layout.eviction_parent = &root;
        ctx.check_unknown_fields(root, "", kSpecKeys);
        return true;
      }
      if (looks_like_bare_stanza(root)) {
        layout.kind_label = "WorkloadUpdateStrategy";
        layout.bare_strategy = &root;
        return true;
      }
      ctx.report(Severity::Info, "NotRecognised", "", root.mark,
                 "document has no kind and is not a workloadUpdateStrategy stanza; skipped",
                 "a bare stanza holds workloadUpdateMethods, batchEvictionSize and batchEvictionInterval");
      return false;
    }
    ctx.report(Severity::Info, "SkippedKind", "", root.mark,
               (d.kind.empty() ? std::string("object without a kind") : d.kind) +
                   (d.name.empty() ? "" : " \"" + d.name + "\"") +
                   " is not a HyperConverged or KubeVirt CR; skipped");
    return false;
  }

  static EffectiveStrategy effective(Flavor flavor, const StrategyStanza& s, const MigrationStanza& m,
                                     const EvictionStrategyField& e) {
    EffectiveStrategy eff = flavor == Flavor::Hco ? hco_defaults() : kubevirt_defaults();
    if (s.methods_present && !s.methods_null) {
      if (s.methods_valid) {
        std::vector<std::string> list;
        for (const auto& item : s.methods) list.push_back(item.value);
        eff.workload_update_methods = list;
      } else {
        eff.workload_update_methods.reset();
      }
    }
    auto apply = [](auto& target, const auto& field) {
      if (!field.present || field.null) return;
      if (field.valid && field.value) target = *field.value;
      else target.reset();
    };
    apply(eff.batch_eviction_size, s.batch_eviction_size);
    apply(eff.batch_eviction_interval_ns, s.batch_eviction_interval_ns);
    if (s.batch_eviction_interval_ns.present && !s.batch_eviction_interval_ns.null)
      eff.batch_eviction_interval_written = s.batch_eviction_interval_text;
    apply(eff.migrations.parallel_migrations_per_cluster, m.parallel_migrations_per_cluster);
    apply(eff.migrations.parallel_outbound_migrations_per_node, m.parallel_outbound_migrations_per_node);
    apply(eff.migrations.bandwidth_per_migration, m.bandwidth_per_migration);
    apply(eff.migrations.completion_timeout_per_gib, m.completion_timeout_per_gib);
    apply(eff.migrations.progress_timeout, m.progress_timeout);
    apply(eff.migrations.network, m.network);
    apply(eff.migrations.allow_auto_converge, m.allow_auto_converge);
    apply(eff.migrations.allow_post_copy, m.allow_post_copy);
    apply(eff.migrations.allow_workload_disruption, m.allow_workload_disruption);
    apply(eff.eviction_strategy, e.value);
    return eff;
  }

  void finish(DocumentReport& d, DecodeContext& ctx) {
    for (auto& f : ctx.findings) {
      f.file = file_;
      f.document = d.index;
      f.item = d.item;
      if (f.line == 0) f.line = d.line;
      report_.findings.push_back(std::move(f));
    }
    report_.documents.push_back(std::move(d));
  }

  const std::string& file_;
  const ValidateOptions& options_;
  FileReport& report_;
  std::vector<yaml::DuplicateKey> pending_duplicates_;
};

}  // namespace

FileReport validate_text(const std::string& file, std::string_view text, const ValidateOptions& options) {
  FileReport report;
  report.file = file;
  Validator validator(file, options, report);
  bool any = false;
  try {
    yaml::load_documents(
        text,
        [&](yaml::Document&& doc) {
          any = true;
          validator.document(doc);
        },
        options.load_limits);
  } catch (const yaml::LoadError& e) {
    Finding f;
    f.severity = Severity::Error;
    f.code = "InvalidInput";
    f.file = file;
    f.line = e.mark().line;
    f.column = e.mark().column;
    f.message = std::string("cannot parse as YAML or JSON: ") + e.what();
    f.hint = e.hint() + " (validation stopped here)";
    report.input_error = f;
    return report;
  }
  if (!any) {
    Finding f;
    f.severity = Severity::Error;
    f.code = "NoDocuments";
    f.file = file;
    f.message = "no YAML or JSON documents found (the input is empty or only comments)";
    f.hint = "pass a HyperConverged or KubeVirt CR, e.g. `oc get hco -A -o yaml > hco.yaml`";
    report.input_error = f;
  }
  return report;
}

FileReport validate_object(const std::string& source, const yaml::Document& document, const ValidateOptions& options) {
  FileReport report;
  report.file = source;
  Validator validator(source, options, report);
  validator.document(document);
  return report;
}

}  // namespace wu::strategy
