#include "update/run_identity.hpp"

#include <random>

namespace wu::update {

std::string new_run_id() {
  static const char* hex = "0123456789abcdef";
  std::random_device rd;
  std::string id;
  for (int i = 0; i < 10; ++i) id += hex[rd() % 16];
  return id;
}

}  // namespace wu::update
