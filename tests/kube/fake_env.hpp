#pragma once
// An in-memory wu::kube::Env for pure unit tests: variables, files and a
// clock that the test controls. Shared by tests/unit/kube_*_test.cpp.
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "kube/env.hpp"

namespace wu::kube::testing {

struct FakeEnv {
  std::map<std::string, std::string> vars;
  std::map<std::string, std::string> files;
  bool tty = false;
  std::shared_ptr<std::chrono::system_clock::time_point> clock =
      std::make_shared<std::chrono::system_clock::time_point>(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1});
  std::string sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount";

  // The Env reads this object's maps live, so tests may change files later.
  Env env() {
    Env e;
    e.getenv = [this](const std::string& k) -> std::optional<std::string> {
      auto it = vars.find(k);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    e.read_file = [this](const std::string& p) -> std::optional<std::string> {
      auto it = files.find(p);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    e.is_file = [this](const std::string& p) { return files.count(p) > 0; };
    e.stdin_is_terminal = [this] { return tty; };
    e.now = [c = clock] { return *c; };
    e.service_account_dir = sa_dir;
    return e;
  }

  void advance(std::chrono::seconds s) { *clock += s; }
};

}  // namespace wu::kube::testing
