#include "audit.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace sim {

namespace {
std::string nowMicros() {
  auto now = std::chrono::system_clock::now();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::time_t tt = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[48];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%s.%06lldZ", buf, static_cast<long long>(us));
  return out;
}
}  // namespace

AuditLog::AuditLog(const std::string& filePath, size_t memoryLimit) : limit_(memoryLimit) {
  if (!filePath.empty()) {
    file_.open(filePath, std::ios::app);
    if (!file_) throw std::runtime_error("cannot open audit log " + filePath);
  }
}

uint64_t AuditLog::append(nlohmann::json record) {
  std::lock_guard lk(mu_);
  uint64_t seq = ++seq_;
  nlohmann::json r = nlohmann::json::object();
  r["seq"] = seq;
  r["time"] = nowMicros();
  r.update(record);
  if (file_.is_open()) {
    file_ << r.dump() << '\n';
    file_.flush();
  }
  records_.push_back(std::move(r));
  while (records_.size() > limit_) records_.pop_front();
  return seq;
}

nlohmann::json AuditLog::since(uint64_t since) const {
  std::lock_guard lk(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : records_)
    if (r["seq"].get<uint64_t>() > since) out.push_back(r);
  return out;
}

void AuditLog::clear() {
  std::lock_guard lk(mu_);
  records_.clear();
}

}  // namespace sim
