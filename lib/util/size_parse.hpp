#pragma once
// Byte sizes as users type them on the command line: 64Mi, 100MB, 1048576.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wu::util {

// Accepts a plain number of bytes, or a number followed by K/M/G (powers of 1000, also KB/MB/GB)
// or Ki/Mi/Gi (powers of 1024). nullopt when malformed or overflowing.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// "1.5 MiB", "64 MiB", "512 B": for messages.
std::string format_byte_size(std::uint64_t bytes);

}  // namespace wu::util
