// libFuzzer harness: a kubeconfig file. Its documented error is ConfigError.
#include <cstdint>
#include <string>

#include "kube/errors.hpp"
#include "kube/kubeconfig.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    wu::kube::Kubeconfig cfg = wu::kube::parse_kubeconfig(text, "/fuzz/.kube/config");
    wu::kube::merge_kubeconfig(cfg, wu::kube::parse_kubeconfig(text, "/fuzz/second"));
  } catch (const wu::kube::ConfigError&) {
  }
  return 0;
}
