#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "strategy/document_validator.hpp"

using namespace wu::strategy;

namespace {

FileReport run(const std::string& text, FieldValidation fv = FieldValidation::Strict) {
  ValidateOptions o;
  o.field_validation = fv;
  return validate_text("t.yaml", text, o);
}

// A v1beta1 HyperConverged with the given lines under spec (each indented by the caller).
std::string hco(const std::string& spec_body) {
  return "apiVersion: hco.kubevirt.io/v1beta1\nkind: HyperConverged\nmetadata:\n  name: kubevirt-hyperconverged\n"
         "  namespace: openshift-cnv\nspec:\n" +
         spec_body;
}
std::string stanza(const std::string& body) { return hco("  workloadUpdateStrategy:\n" + body); }
std::string migration(const std::string& body) { return hco("  liveMigrationConfig:\n" + body); }

const Finding* find(const FileReport& r, const std::string& code) {
  for (const auto& f : r.findings)
    if (f.code == code) return &f;
  return nullptr;
}
int count(const FileReport& r, Severity s) {
  return static_cast<int>(std::count_if(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.severity == s; }));
}
bool has_error(const FileReport& r, const std::string& code) {
  const Finding* f = find(r, code);
  return f && f->severity == Severity::Error;
}
bool has_advisory(const FileReport& r, const std::string& code) {
  const Finding* f = find(r, code);
  return f && f->severity == Severity::Warning && f->advisory;
}
const EffectiveStrategy& eff(const FileReport& r) {
  REQUIRE(!r.documents.empty());
  REQUIRE(r.documents[0].effective.has_value());
  return *r.documents[0].effective;
}

}  // namespace

TEST_CASE("row 1: an absent, null or empty stanza gets HCO's defaults, silently") {
  for (const std::string& text : {hco("  {}\n"), hco("  workloadUpdateStrategy: null\n"), hco("  workloadUpdateStrategy: {}\n")}) {
    auto r = run(text);
    CHECK(r.findings.empty());
    CHECK(*eff(r).workload_update_methods == std::vector<std::string>{"LiveMigrate"});
    CHECK(*eff(r).batch_eviction_size == 10);
    CHECK(*eff(r).batch_eviction_interval_ns == 60000000000LL);
  }
}

TEST_CASE("row 2: the stanza must be an object") {
  auto r = run(hco("  workloadUpdateStrategy: LiveMigrate\n"));
  REQUIRE(has_error(r, "InvalidType"));
  CHECK(find(r, "InvalidType")->message.find("failed to parse the HyperConverged") != std::string::npos);
  CHECK(find(r, "InvalidType")->path == "spec.workloadUpdateStrategy");
}

TEST_CASE("rows 3-5: methods must be an array of strings; null items are refused by the schema") {
  CHECK(has_error(run(stanza("    workloadUpdateMethods: LiveMigrate\n")), "InvalidType"));
  CHECK(has_error(run(stanza("    workloadUpdateMethods: [1]\n")), "InvalidType"));
  CHECK(has_error(run(stanza("    workloadUpdateMethods: [[LiveMigrate]]\n")), "InvalidType"));
  auto r = run(stanza("    workloadUpdateMethods:\n    - LiveMigrate\n    -\n"));
  REQUIRE(has_error(r, "NullListItem"));
  CHECK(find(r, "NullListItem")->path == "spec.workloadUpdateStrategy.workloadUpdateMethods[1]");
  CHECK(find(r, "NullListItem")->message.find("must be of type string: \"null\"") != std::string::npos);
}

TEST_CASE("rows 6-8: unknown and duplicate methods and [] are accepted (advisories only)") {
  auto r = run(stanza("    workloadUpdateMethods: [livemigrate, Evict, Evict]\n"));
  CHECK(count(r, Severity::Error) == 0);
  CHECK(has_advisory(r, "UnknownUpdateMethod"));
  CHECK(find(r, "UnknownUpdateMethod")->hint == "did you mean \"LiveMigrate\"?");
  CHECK(has_advisory(r, "DuplicateUpdateMethod"));
  auto empty = run(stanza("    workloadUpdateMethods: []\n"));
  CHECK(count(empty, Severity::Error) == 0);
  CHECK(has_advisory(empty, "UpdatesDisabled"));
  CHECK(find(empty, "UpdatesDisabled")->message.find("OutdatedVirtualMachineInstanceWorkloads") != std::string::npos);
  CHECK(eff(empty).workload_update_methods->empty());
  auto kv = kubevirt_projection(eff(empty));
  CHECK_FALSE(kv["workloadUpdateStrategy"].contains("workloadUpdateMethods"));  // HCO drops the key
  CHECK(kv["workloadUpdateStrategy"]["batchEvictionSize"] == 10);
}

TEST_CASE("rows 9-10: batchEvictionSize is an integer with no range") {
  auto quoted = run(stanza("    batchEvictionSize: \"10\"\n"));
  REQUIRE(has_error(quoted, "InvalidType"));
  CHECK(find(quoted, "InvalidType")->hint == "remove the quotes: batchEvictionSize: 10");
  CHECK(has_error(run(stanza("    batchEvictionSize: true\n")), "InvalidType"));
  CHECK(has_error(run(stanza("    batchEvictionSize: 1.5\n")), "InvalidType"));
  CHECK(count(run(stanza("    batchEvictionSize: 10.0\n")), Severity::Error) == 0);  // reaches the server as 10
  CHECK(count(run(stanza("    batchEvictionSize: 0\n")), Severity::Error) == 0);
  CHECK(count(run(stanza("    batchEvictionSize: -5\n")), Severity::Error) == 0);
  CHECK(has_error(run(stanza("    batchEvictionSize: 9223372036854775808\n")), "IntegerOutOfRange"));
}

TEST_CASE("rows 11-13: batchEvictionInterval is a Go duration string") {
  auto number = run(stanza("    batchEvictionInterval: 60\n"));
  REQUIRE(has_error(number, "InvalidType"));
  CHECK(find(number, "InvalidType")->hint.find("\"60s\"") != std::string::npos);
  auto day = run(stanza("    batchEvictionInterval: 1d\n"));
  REQUIRE(has_error(day, "InvalidDuration"));
  CHECK(find(day, "InvalidDuration")->message.find("time: unknown unit \"d\" in duration \"1d\"") == 0);
  CHECK(has_error(run(stanza("    batchEvictionInterval: \"10\"\n")), "InvalidDuration"));
  for (const char* v : {"0", "0s", "-1m"}) {
    auto r = run(stanza(std::string("    batchEvictionInterval: \"") + v + "\"\n"));
    CHECK(count(r, Severity::Error) == 0);
    CHECK(has_advisory(r, "NoBatchInterval"));
  }
  auto canonical = run(stanza("    batchEvictionInterval: 90s\n"));
  CHECK(kubevirt_projection(eff(canonical))["workloadUpdateStrategy"]["batchEvictionInterval"] == "1m30s");
}

TEST_CASE("rows 14-17: parallel migration fields are uint32") {
  CHECK(eff(run(hco("  liveMigrationConfig: null\n"))).migrations.parallel_migrations_per_cluster == 5u);
  CHECK(has_error(run(migration("    parallelMigrationsPerCluster: -1\n")), "IntegerOutOfRange"));
  CHECK(has_error(run(migration("    parallelMigrationsPerCluster: 4294967296\n")), "IntegerOutOfRange"));
  CHECK(count(run(migration("    parallelMigrationsPerCluster: 4294967295\n")), Severity::Error) == 0);
  CHECK(has_error(run(migration("    parallelOutboundMigrationsPerNode: \"2\"\n")), "InvalidType"));
  CHECK(has_error(run(migration("    parallelOutboundMigrationsPerNode: 1.5\n")), "InvalidType"));
  auto zero = run(migration("    parallelMigrationsPerCluster: 0\n"));
  CHECK(count(zero, Severity::Error) == 0);
  CHECK(has_advisory(zero, "MigrationsDisabled"));
  CHECK(has_advisory(run(migration("    parallelOutboundMigrationsPerNode: 0\n")), "OutboundMigrationsDisabled"));
}

TEST_CASE("rows 18-21: bandwidthPerMigration") {
  CHECK(has_error(run(migration("    bandwidthPerMigration: 64\n")), "InvalidType"));
  auto pattern = run(migration("    bandwidthPerMigration: 1K\n"));
  REQUIRE(has_error(pattern, "QuantityPattern"));
  CHECK(find(pattern, "QuantityPattern")->message.find("in body should match") != std::string::npos);
  auto go = run(migration("    bandwidthPerMigration: 1e1.5\n"));
  REQUIRE(has_error(go, "InvalidQuantity"));
  CHECK(find(go, "InvalidQuantity")->message.find("failed to parse the LiveMigrationConfig.bandwidthPerMigration field; "
                                                  "quantities must match the regular expression") != std::string::npos);
  auto negative = run(migration("    bandwidthPerMigration: -1Gi\n"));
  CHECK(count(negative, Severity::Error) == 0);
  CHECK(has_advisory(negative, "NegativeBandwidth"));
  CHECK(count(run(migration("    bandwidthPerMigration: 64Mi\n")), Severity::Warning) == 0);
}

TEST_CASE("rows 22-24: timeouts are int64, network any string, allow* booleans") {
  CHECK(has_error(run(migration("    completionTimeoutPerGiB: \"20\"\n")), "InvalidType"));
  CHECK(has_advisory(run(migration("    completionTimeoutPerGiB: 0\n")), "NonPositiveMigrationTimeout"));
  CHECK(count(run(migration("    network: \"\"\n")), Severity::Error) == 0);
  auto b = run(migration("    allowPostCopy: \"true\"\n"));
  REQUIRE(has_error(b, "InvalidType"));
  CHECK(find(b, "InvalidType")->hint == "remove the quotes: allowPostCopy: true");
  CHECK(has_advisory(run(migration("    allowPostCopy: true\n")), "PostCopyWithoutDisruption"));
  CHECK(count(run(migration("    allowPostCopy: true\n    allowWorkloadDisruption: true\n")), Severity::Warning) == 0);
}

TEST_CASE("rows 25-26: evictionStrategy enum; null is removed") {
  auto bad = run(hco("  evictionStrategy: livemigrate\n"));
  REQUIRE(has_error(bad, "UnsupportedEvictionStrategy"));
  CHECK(find(bad, "UnsupportedEvictionStrategy")->message.find(
            "Unsupported value: \"livemigrate\": supported values: \"None\", \"LiveMigrate\", \"LiveMigrateIfPossible\", "
            "\"External\"") != std::string::npos);
  CHECK(find(bad, "UnsupportedEvictionStrategy")->hint == "did you mean \"LiveMigrate\"?");
  CHECK(has_error(run(hco("  evictionStrategy: \"\"\n")), "UnsupportedEvictionStrategy"));
  auto null = run(hco("  evictionStrategy: null\n"));
  CHECK(null.findings.empty());
  CHECK_FALSE(eff(null).eviction_strategy.has_value());
  CHECK(*eff(run(hco("  evictionStrategy: External\n"))).eviction_strategy == "External");
}

TEST_CASE("row 27: unknown fields follow --field-validation") {
  const std::string text = stanza("    batchEvictionSizes: 5\n");
  auto strict = run(text, FieldValidation::Strict);
  REQUIRE(has_error(strict, "UnknownField"));
  CHECK(find(strict, "UnknownField")->message.find("strict decoding error: unknown field "
                                                   "\"spec.workloadUpdateStrategy.batchEvictionSizes\"") != std::string::npos);
  CHECK(find(strict, "UnknownField")->hint == "did you mean \"batchEvictionSize\"?");
  auto warn = run(text, FieldValidation::Warn);
  CHECK(count(warn, Severity::Error) == 0);
  CHECK(find(warn, "UnknownField")->severity == Severity::Warning);
  CHECK(find(run(text, FieldValidation::Ignore), "UnknownField") == nullptr);
}

TEST_CASE("duplicate keys are errors under Strict, like kubectl's strict decoding") {
  auto r = run(stanza("    batchEvictionSize: 5\n    batchEvictionSize: 6\n"));
  REQUIRE(has_error(r, "DuplicateKey"));
  CHECK(find(r, "DuplicateKey")->line == 9);
  CHECK(find(r, "DuplicateKey")->column == 5);
  CHECK(find(run(stanza("    batchEvictionSize: 5\n    batchEvictionSize: 6\n"), FieldValidation::Warn), "DuplicateKey")->severity ==
        Severity::Warning);
}

TEST_CASE("advisories: null methods, Evict with no batches, Evict alone") {
  auto null = run(stanza("    workloadUpdateMethods: null\n"));
  CHECK(has_advisory(null, "NullUpdateMethods"));
  CHECK(*eff(null).workload_update_methods == std::vector<std::string>{"LiveMigrate"});
  CHECK(has_advisory(run(stanza("    workloadUpdateMethods: [LiveMigrate, Evict]\n    batchEvictionSize: 0\n")),
                     "EvictionDisabled"));
  CHECK_FALSE(has_advisory(run(stanza("    workloadUpdateMethods: [LiveMigrate]\n    batchEvictionSize: 0\n")),
                           "EvictionDisabled"));
  CHECK(has_advisory(run(stanza("    workloadUpdateMethods: [Evict]\n")), "EvictOnly"));
}

TEST_CASE("the default configuration and [LiveMigrate, Evict] with defaults raise no warnings") {
  CHECK(count(run(hco("  {}\n")), Severity::Warning) == 0);
  auto both = run(stanza("    workloadUpdateMethods: [LiveMigrate, Evict]\n    batchEvictionSize: 10\n"
                         "    batchEvictionInterval: 1m0s\n"));
  CHECK(both.findings.empty());
  std::ifstream in(WU_TEST_DATA_DIR "/hco.cr.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  auto shipped = run(ss.str());
  CHECK(shipped.findings.empty());
  CHECK(shipped.documents[0].kind == "HyperConverged");
}

TEST_CASE("findings carry the line and column of the offending node") {
  auto r = run(stanza("    workloadUpdateMethods:\n    - LiveMigrate\n    - Evcit\n    batchEvictionInterval: 5 min\n"));
  const Finding* m = find(r, "UnknownUpdateMethod");
  REQUIRE(m);
  CHECK(m->line == 10);
  CHECK(m->column == 7);
  CHECK(m->path == "spec.workloadUpdateStrategy.workloadUpdateMethods[1]");
  CHECK(m->hint == "did you mean \"Evict\"?");
  const Finding* d = find(r, "InvalidDuration");
  REQUIRE(d);
  CHECK(d->line == 11);
  CHECK(d->column == 28);
}

TEST_CASE("HyperConverged v1 keeps the stanzas under spec.virtualization") {
  auto r = run("apiVersion: hco.kubevirt.io/v1\nkind: HyperConverged\nmetadata: {name: kubevirt-hyperconverged}\nspec:\n"
               "  virtualization:\n    workloadUpdateStrategy:\n      batchEvictionInterval: 2d\n");
  REQUIRE(has_error(r, "InvalidDuration"));
  CHECK(find(r, "InvalidDuration")->path == "spec.virtualization.workloadUpdateStrategy.batchEvictionInterval");
  CHECK(has_error(run("apiVersion: hco.kubevirt.io/v2\nkind: HyperConverged\n"), "UnsupportedApiVersion"));
}

TEST_CASE("KubeVirt CRs default to no automation and KubeVirt's migration limits") {
  auto r = run("apiVersion: kubevirt.io/v1\nkind: KubeVirt\nmetadata: {name: kubevirt, namespace: kubevirt}\nspec: {}\n");
  CHECK(count(r, Severity::Error) == 0);
  CHECK(find(r, "NoAutomatedUpdates") != nullptr);
  CHECK(eff(r).workload_update_methods->empty());
  CHECK(*eff(r).migrations.parallel_outbound_migrations_per_node == 2u);
  CHECK(*eff(r).eviction_strategy == "None");
  auto kv = run("apiVersion: kubevirt.io/v1\nkind: KubeVirt\nspec:\n  configuration:\n    evictionStrategy: Foo\n"
                "    migrations:\n      bandwidthPerMigration: 64\n      maxDowntimeMs: 0\n  workloadUpdateStrategy:\n"
                "    batchEvictionSize: \"3\"\n");
  CHECK(has_advisory(kv, "UnknownEvictionStrategy"));   // no enum in KubeVirt's CRD
  CHECK(find(kv, "InvalidType")->message.find("in body must be of type integer: \"string\"") != std::string::npos);
  CHECK(has_error(kv, "IntegerOutOfRange"));            // maxDowntimeMs minimum 1
  CHECK(find(kv, "InvalidType")->path == "spec.workloadUpdateStrategy.batchEvictionSize");
}

TEST_CASE("bare stanzas, Lists and other kinds") {
  auto bare = run("workloadUpdateMethods: [LiveMigrate, Evict]\nbatchEvictionInterval: 30s\n");
  CHECK(bare.documents[0].kind == "WorkloadUpdateStrategy");
  CHECK(bare.findings.empty());
  auto wrapped = run("workloadUpdateStrategy:\n  workloadUpdateMethods: [Evict]\n");
  CHECK(has_advisory(wrapped, "EvictOnly"));
  CHECK(find(wrapped, "EvictOnly")->path == "workloadUpdateStrategy.workloadUpdateMethods");
  auto list = run("apiVersion: v1\nkind: List\nitems:\n- " + std::string("apiVersion: v1\n  kind: ConfigMap\n") +
                  "- apiVersion: hco.kubevirt.io/v1beta1\n  kind: HyperConverged\n  spec:\n    evictionStrategy: Nope\n");
  REQUIRE(list.documents.size() == 2);
  CHECK(find(list, "SkippedKind")->severity == Severity::Info);
  CHECK(find(list, "UnsupportedEvictionStrategy")->item == 1);
  CHECK(has_error(run("- a\n- b\n"), "NotAnObject"));
}

TEST_CASE("input that is not YAML stops validation with a positioned input error") {
  auto r = run("a: [b\n");
  REQUIRE(r.input_error);
  CHECK(r.input_error->code == "InvalidInput");
  CHECK(r.input_error->line >= 1);
  auto empty = run("# only a comment\n");
  REQUIRE(empty.input_error);
  CHECK(empty.input_error->code == "NoDocuments");
}
