#include "yaml/input_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "util/size_parse.hpp"

namespace fs = std::filesystem;

namespace wu::yaml {

namespace {

bool has_manifest_extension(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

std::string too_big_message(const std::string& name, std::uint64_t size, const InputLimits& limits, bool at_least) {
  return name + ": " + (at_least ? "more than " : "") + util::format_byte_size(size) + " is larger than the " +
         util::format_byte_size(limits.max_bytes) +
         " input limit; pass only the objects to check (for example `oc get hco -A -o yaml`), or raise the limit "
         "with --max-input-size";
}

}  // namespace

std::vector<std::string> expand_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& path : paths) {
    if (path == "-") {
      out.push_back(path);
      continue;
    }
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw InputError(path + ": no such file or directory");
    if (!fs::is_directory(status)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) throw InputError(path + ": cannot list directory: " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) throw InputError(path + ": cannot list directory: " + ec.message());
      std::error_code fec;
      if (it->is_regular_file(fec) && has_manifest_extension(it->path())) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    if (found.empty()) throw InputError(path + ": directory holds no *.yaml, *.yml or *.json files");
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

InputFile read_input(const std::string& path, const InputLimits& limits) {
  InputFile file;
  if (path == "-") {
    file.name = "<stdin>";
    char buf[1 << 16];
    while (true) {
      std::size_t n = std::fread(buf, 1, sizeof buf, stdin);
      if (n > 0) file.bytes.append(buf, n);
      if (file.bytes.size() > limits.max_bytes)
        throw InputError(too_big_message(file.name, file.bytes.size(), limits, true));
      if (n < sizeof buf) {
        if (std::ferror(stdin)) throw InputError("<stdin>: read error: " + std::string(std::strerror(errno)));
        break;
      }
    }
    return file;
  }
  file.name = path;
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(path + ": is a directory");
  const auto size = fs::file_size(path, ec);
  if (!ec && size > limits.max_bytes) throw InputError(too_big_message(path, size, limits, false));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open: " + std::strerror(errno));
  // Read with a cap even when the size was unknown (pipes, /proc files).
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    file.bytes.append(buf, static_cast<std::size_t>(in.gcount()));
    if (file.bytes.size() > limits.max_bytes)
      throw InputError(too_big_message(path, file.bytes.size(), limits, true));
  }
  if (in.bad()) throw InputError(path + ": read error");
  return file;
}

}  // namespace wu::yaml
