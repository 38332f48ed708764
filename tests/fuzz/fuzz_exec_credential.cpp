// libFuzzer harness: what an exec credential plugin prints on stdout. Its documented error is AuthError.
#include <cstdint>
#include <string>

#include "kube/errors.hpp"
#include "kube/exec_credential.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* version : {"client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"}) {
    try {
      (void)wu::kube::parse_exec_credential(text, version);
    } catch (const wu::kube::AuthError&) {
    }
  }
  return 0;
}
