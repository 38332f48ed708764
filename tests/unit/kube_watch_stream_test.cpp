// Watch event framing across arbitrary chunk boundaries; list metadata; URL building.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kube/errors.hpp"
#include "kube/list_pager.hpp"
#include "kube/resource_path.hpp"
#include "kube/watch_stream.hpp"

using namespace wu::kube;

namespace {
const std::string kStream =
    "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"11\"}}}\n"
    "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"15\"}}}\n"
    "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"17\",\"labels\":{\"x\":\"\xC3\xA9\"}}}}\n"
    "\n"
    "{\"type\":\"DELETED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"18\"}}}\r\n"
    "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\",\"message\":\"too old resource version: 1 (18)\"}}\n";

std::vector<WatchEvent> parse_in_chunks(const std::string& stream, std::size_t chunk) {
  LineSplitter sp;
  std::vector<WatchEvent> out;
  for (std::size_t i = 0; i < stream.size(); i += chunk)
    sp.feed(std::string_view(stream).substr(i, chunk), [&](std::string_view line) {
      if (auto ev = parse_watch_event(line)) out.push_back(*ev);
    });
  CHECK(sp.pending().empty());
  return out;
}
}  // namespace

TEST_CASE("watch stream: every chunk size gives the same events") {
  auto whole = parse_in_chunks(kStream, kStream.size());
  REQUIRE(whole.size() == 5);
  CHECK(whole[0].type == WatchEventType::Added);
  CHECK(whole[0].resource_version == "11");
  CHECK(whole[1].type == WatchEventType::Bookmark);
  CHECK(whole[1].resource_version == "15");
  CHECK(whole[2].type == WatchEventType::Modified);
  CHECK(whole[2].object["metadata"]["labels"]["x"] == "\xC3\xA9");
  CHECK(whole[3].type == WatchEventType::Deleted);
  CHECK(whole[3].resource_version == "18");
  CHECK(whole[4].type == WatchEventType::Error);
  CHECK(whole[4].resource_version.empty());
  CHECK(whole[4].object["code"] == 410);
  for (std::size_t chunk : {1, 2, 3, 7, 13, 64, 100, 1000}) {
    CAPTURE(chunk);
    auto events = parse_in_chunks(kStream, chunk);
    REQUIRE(events.size() == whole.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
      CHECK(events[i].type == whole[i].type);
      CHECK(events[i].object == whole[i].object);
    }
  }
}

TEST_CASE("watch stream: an unfinished line stays pending") {
  LineSplitter sp;
  int lines = 0;
  sp.feed("{\"type\":\"ADDED\"", [&](std::string_view) { ++lines; });
  CHECK(lines == 0);
  CHECK(sp.pending() == "{\"type\":\"ADDED\"");
}

TEST_CASE("watch stream: malformed events are errors") {
  CHECK_THROWS_AS(parse_watch_event("{not json"), KubeError);
  CHECK_THROWS_WITH_AS(parse_watch_event(R"({"type":"WHAT","object":{}})"),
                       "unknown watch event type \"WHAT\" from the server", KubeError);
  CHECK_FALSE(parse_watch_event("   ").has_value());
}

TEST_CASE("watch stream: hostile events are KubeErrors, never library exceptions (issue #10)") {
  // nlohmann's type_error escaped from here for a non-string type.
  for (const std::string& line :
       {std::string(R"({"type":1})"), std::string(R"({"type":null,"object":{}})"), std::string(R"([1,2])"),
        std::string(R"({"type":"ADDED","object":{"metadata":{"resourceVersion":7}}})"),
        std::string(R"({"type":"ADDED","object":{"x":1e400}})"),
        "{\"type\":\"ADDED\",\"object\":" + std::string(100000, '[') + std::string(100000, ']') + "}",
        std::string("{\"type\":\"ADDED\",\"object\":{\"x\":\"\\xff\"}}"), std::string("{\"type\":\"\xff\"}")}) {
    CAPTURE(line.substr(0, 60));
    bool kube_error = false;
    try {
      auto ev = parse_watch_event(line);
      kube_error = ev && ev->resource_version.empty();  // a wrongly typed resourceVersion is just absent
    } catch (const KubeError&) {
      kube_error = true;
    }
    CHECK(kube_error);
  }
  CHECK_THROWS_WITH_AS(parse_watch_event(R"({"type":1})"),
                       "malformed watch event from the server: \"type\" must be a string: {\"type\":1}", KubeError);
}

TEST_CASE("list metadata: read without materialising items") {
  std::string body = R"({"kind":"PodList","apiVersion":"v1","items":[
    {"metadata":{"name":"a","resourceVersion":"1","continue":"not-this-one"}},
    {"metadata":{"name":"b","resourceVersion":"2"}}],
    "metadata":{"resourceVersion":"12345","continue":"eyJ0b2tlbiJ9","remainingItemCount":42}})";
  auto m = extract_list_meta(body);
  CHECK(m.resource_version == "12345");
  CHECK(m.continue_token == "eyJ0b2tlbiJ9");
  CHECK(m.remaining_item_count == 42);
  auto last = extract_list_meta(R"({"metadata":{"resourceVersion":"9"},"items":[]})");
  CHECK(last.continue_token.empty());
  CHECK(last.resource_version == "9");
  CHECK_FALSE(last.remaining_item_count.has_value());
  CHECK_THROWS_AS(extract_list_meta("<html>"), KubeError);
}

TEST_CASE("resource paths and queries") {
  CHECK(resource_path({"", "v1", "pods", "ns", "p", "eviction"}) == "/api/v1/namespaces/ns/pods/p/eviction");
  CHECK(resource_path({"kubevirt.io", "v1", "virtualmachineinstances", "", "", ""}) ==
        "/apis/kubevirt.io/v1/virtualmachineinstances");
  CHECK(resource_path({"", "v1", "nodes", "", "n1", ""}) == "/api/v1/nodes/n1");
  ResourceRef vmi{"kubevirt.io", "v1", "virtualmachineinstances", "", "", ""};
  CHECK(resource_path(vmi.in("ns").named("vm").sub("status")) ==
        "/apis/kubevirt.io/v1/namespaces/ns/virtualmachineinstances/vm/status");
  CHECK_THROWS_WITH_AS(resource_path({"", "v1", "pods", "ns", "a/b", ""}),
                       "invalid resource name \"a/b\": may not contain '/'", KubeError);
  CHECK_THROWS_AS(resource_path({"", "v1", "pods", "..", "", ""}), KubeError);
  CHECK_THROWS_AS(resource_path({"", "v1", "pods", "ns", "", "eviction"}), KubeError);
  CHECK(encode_query({{"limit", "500"}, {"labelSelector", "kubevirt.io/outdatedLauncherImage"}, {"continue", "a+b=/c"}}) ==
        "continue=a%2Bb%3D%2Fc&labelSelector=kubevirt.io%2FoutdatedLauncherImage&limit=500");
  CHECK(encode_query({{"labelSelector", "env in (a,b),!x"}}) == "labelSelector=env+in+%28a%2Cb%29%2C%21x");
}
