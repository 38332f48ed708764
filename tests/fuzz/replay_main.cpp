// Replays inputs through a libFuzzer harness with any compiler: the regression corpus (crashers and
// hangs found so far, and a minimised corpus) runs in every `scripts/test`. Arguments are files or
// directories (read recursively). Fails when an input takes longer than --max-seconds (default 10),
// the hang threshold `scripts/fuzz` uses; a crash fails by itself.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  double max_seconds = 10;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--max-seconds" && i + 1 < argc) {
      max_seconds = std::atof(argv[++i]);
      continue;
    }
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(arg))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.') files.push_back(e.path());
    } else if (fs::exists(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "replay: %s: no such file or directory\n", arg.c_str());
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "replay: no inputs\n");
    return 2;
  }
  int slow = 0;
  double total = 0;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto start = std::chrono::steady_clock::now();
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    total += seconds;
    if (seconds > max_seconds) {
      std::fprintf(stderr, "replay: %s took %.1f s (more than %.0f s: a hang)\n", path.c_str(), seconds, max_seconds);
      ++slow;
    }
  }
  std::printf("replayed %zu inputs in %.2f s, %d too slow\n", files.size(), total, slow);
  return slow == 0 ? 0 : 1;
}
