// Lists every VMI through our client (pages of 500) and reports pages, items, bytes, wall time, and
// peak RSS: the issue-3 benchmark "list 50,000 VMIs from the simulator".
// Usage: list_bench KUBECONFIG [--decode]
//   --decode: also decode each page into compact VMI views (what `plan` does).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "cluster/snapshot.hpp"
#include "cluster/view_decoder.hpp"
#include "kube/client.hpp"
#include "kube/client_config.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: list_bench KUBECONFIG [--decode]\n");
    return 2;
  }
  const bool decode = argc > 2 && std::strcmp(argv[2], "--decode") == 0;
  wu::kube::ConfigOverrides overrides;
  overrides.kubeconfig = argv[1];
  overrides.qps = -1;  // measure the transport, not the client-side rate limiter
  auto resolved = wu::kube::resolve_client_config(overrides, wu::kube::Env::system());
  wu::kube::Client client(resolved.rest);
  const wu::kube::ResourceRef vmis{"kubevirt.io", "v1", "virtualmachineinstances", "", "", ""};
  wu::cluster::Snapshot snapshot;
  std::size_t pages = 0, bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  client.list_pages(vmis, {}, [&](std::string_view body) {
    ++pages;
    bytes += body.size();
    if (decode) wu::cluster::decode_list_page(body, wu::cluster::ViewKind::Vmi, snapshot);
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("pages=%zu bytes=%zu items=%zu seconds=%.2f MBps=%.1f peakRSS_MB=%.1f\n", pages, bytes,
              decode ? snapshot.vmis.size() : 0, seconds, bytes / 1048576.0 / seconds, usage.ru_maxrss / 1024.0);
  return 0;
}
