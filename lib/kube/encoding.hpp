#pragma once
// Small text encodings the Kubernetes wire formats need: base64 (kubeconfig
// *-data fields, exec cluster info), URL query escaping (Go's url.QueryEscape)
// and HTTP header-key escaping (Impersonate-Extra-<key>).
#include <optional>
#include <string>
#include <string_view>

namespace wu::kube {

std::string base64_encode(std::string_view raw);
// Standard alphabet with padding (Go's base64.StdEncoding). On bad input
// returns nullopt and sets *bad_offset to the offending byte (Go's
// "illegal base64 data at input byte N").
std::optional<std::string> base64_decode(std::string_view text, std::size_t* bad_offset = nullptr);

// Go's url.QueryEscape: space becomes '+', unreserved bytes stay.
std::string query_escape(std::string_view s);
// Go's url.PathEscape for one path segment.
std::string path_escape(std::string_view s);
// client-go's headerKeyEscape for Impersonate-Extra-<key>.
std::string header_key_escape(std::string_view key);

std::string trim(std::string_view s);

}  // namespace wu::kube
