// libFuzzer harness: what the API server sends. The bytes are split into chunks (the first byte picks
// the chunk size) and fed to the watch framing, each line parsed as a watch event and its object
// decoded as a VMI; the whole body is also read as a Status error, as list metadata and as a list
// page streamed item by item. Documented errors: KubeError (watch, list metadata), DecodeError (views).
#include <cstdint>
#include <string>

#include "cluster/list_item_stream.hpp"
#include "cluster/snapshot.hpp"
#include "cluster/view_decoder.hpp"
#include "kube/api_error.hpp"
#include "kube/errors.hpp"
#include "kube/list_pager.hpp"
#include "kube/watch_stream.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  wu::cluster::Snapshot s;

  wu::kube::LineSplitter splitter;
  for (std::size_t at = 0; at < body.size(); at += chunk) {
    splitter.feed(body.substr(at, chunk), [&](std::string_view line) {
      try {
        if (auto ev = wu::kube::parse_watch_event(line)) {
          if (ev->type == wu::kube::WatchEventType::Error) (void)wu::kube::api_error_from_status(ev->object.dump());
          else if (ev->object.is_object()) wu::cluster::decode_object(ev->object.dump(), wu::cluster::ViewKind::Vmi, s);
        }
      } catch (const wu::kube::KubeError&) {
      } catch (const wu::cluster::DecodeError&) {
      }
    });
  }

  (void)wu::kube::api_error_from_response(422, body, 0, "GET", "/api");
  (void)wu::kube::api_error_from_status(body);
  try {
    (void)wu::kube::extract_list_meta(body);
  } catch (const wu::kube::KubeError&) {
  }
  try {
    wu::cluster::ListItemStream stream(
        [&](std::string_view item) { wu::cluster::decode_object(item, wu::cluster::ViewKind::Pod, s); });
    for (std::size_t at = 0; at < body.size(); at += chunk) stream.feed(body.substr(at, chunk));
    (void)stream.complete();
    (void)stream.continue_token();
    (void)stream.resource_version();
  } catch (const wu::cluster::DecodeError&) {
  }
  return 0;
}
