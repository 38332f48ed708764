#pragma once
// Decoding VMIs, VMs, VMIMs and launcher pods straight from JSON text into the snapshot's compact
// views with simdjson's on-demand parser: one pass, no DOM, only the fields the workload updater
// reads. This is what lets `plan` read 100,000 VMIs page by page in a few seconds and little memory
// (BENCHMARKS.md has the comparison that chose it).
#include <stdexcept>
#include <string>
#include <string_view>

#include "cluster/snapshot.hpp"

namespace wu::cluster {

enum class ViewKind { Vmi, Vm, Vmim, Pod, Node };

class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A list page ({"items": [...], ...}) whose items are all of `kind`. Appends to the snapshot.
// Pods that are not virt-launcher pods are kept only as what they take of their node (node_pods). Throws DecodeError on malformed JSON.
void decode_list_page(std::string_view page, ViewKind kind, Snapshot& snapshot);

// One object of `kind`, as JSON text. Appends to the snapshot.
void decode_object(std::string_view object_json, ViewKind kind, Snapshot& snapshot);

// Checks every byte of one JSON value (the on-demand decoder above only looks at the fields it
// reads) and returns its top-level "kind" ("" when it has none or is not an object). Throws
// DecodeError when it is not valid JSON. For files, whose every byte the user vouches for.
std::string checked_object_kind(std::string_view json_text);

// RFC 3339 ("2026-07-01T00:00:30Z", fractions and offsets allowed) to Unix seconds; 0 when empty or bad.
Timestamp parse_timestamp(std::string_view text);

}  // namespace wu::cluster
