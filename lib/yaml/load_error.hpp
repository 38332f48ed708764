#pragma once
// What the YAML and JSON readers throw on bad input: a message, the position, and what to do.
#include <stdexcept>
#include <string>

#include "yaml/node.hpp"

namespace wu::yaml {

class LoadError : public std::runtime_error {
 public:
  LoadError(const std::string& what, Mark mark, std::string hint = "fix the YAML/JSON syntax at that position")
      : std::runtime_error(what), mark_(mark), hint_(std::move(hint)) {}
  Mark mark() const { return mark_; }
  const std::string& hint() const { return hint_; }

 private:
  Mark mark_;
  std::string hint_;
};

// "line 3, column 7" style position of byte `offset` in `text` (columns count UTF-8 characters).
Mark mark_at(std::string_view text, std::size_t offset);

}  // namespace wu::yaml
