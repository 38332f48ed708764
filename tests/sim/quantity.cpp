#include "quantity.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace sim {

std::optional<int64_t> parseQuantityMilli(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t i = 0;
  if (text[i] == '+' || text[i] == '-') ++i;
  const size_t numStart = i;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  if (i == numStart) return std::nullopt;
  const double number = std::strtod(text.substr(0, i).c_str(), nullptr);
  const std::string suffix = text.substr(i);
  // resource.Quantity suffixes: binary (Ki..Ei), decimal (n, u, m, "", k, M..E) and exponents (e3, E3).
  double scale = 1;
  if (suffix.empty()) scale = 1;
  else if (suffix == "Ki") scale = 1024.0;
  else if (suffix == "Mi") scale = std::pow(1024.0, 2);
  else if (suffix == "Gi") scale = std::pow(1024.0, 3);
  else if (suffix == "Ti") scale = std::pow(1024.0, 4);
  else if (suffix == "Pi") scale = std::pow(1024.0, 5);
  else if (suffix == "Ei") scale = std::pow(1024.0, 6);
  else if (suffix == "n") scale = 1e-9;
  else if (suffix == "u") scale = 1e-6;
  else if (suffix == "m") scale = 1e-3;
  else if (suffix == "k") scale = 1e3;
  else if (suffix == "M") scale = 1e6;
  else if (suffix == "G") scale = 1e9;
  else if (suffix == "T") scale = 1e12;
  else if (suffix == "P") scale = 1e15;
  else if (suffix == "E") scale = 1e18;
  else if ((suffix[0] == 'e' || suffix[0] == 'E') && suffix.size() > 1) {
    char* end = nullptr;
    const long exp = std::strtol(suffix.c_str() + 1, &end, 10);
    if (*end != '\0') return std::nullopt;
    scale = std::pow(10.0, static_cast<double>(exp));
  } else {
    return std::nullopt;
  }
  // Quantities round up to the milli-unit (resource.Quantity.MilliValue rounds up).
  const double milli = std::ceil(number * scale * 1000.0 - 1e-6);
  if (!std::isfinite(milli) || std::fabs(milli) > 9e18) return std::nullopt;
  return static_cast<int64_t>(text[0] == '-' ? -milli : milli);
}

std::string formatCpuMilli(int64_t milli) {
  if (milli % 1000 == 0) return std::to_string(milli / 1000);
  return std::to_string(milli) + "m";
}

std::string formatBytesMilli(int64_t milli) {
  const int64_t bytes = (milli + 999) / 1000;
  static const char* units[] = {"Ki", "Mi", "Gi", "Ti"};
  int64_t value = bytes;
  int unit = -1;
  while (unit < 3 && value != 0 && value % 1024 == 0) {
    value /= 1024;
    ++unit;
  }
  return std::to_string(value) + (unit < 0 ? "" : units[unit]);
}

}  // namespace sim
