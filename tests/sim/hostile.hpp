// Hostile bodies on the wire, for the client's input guards (fault rule "corrupt"): the object a
// list or a watch event carries gets a first field "simHostile" whose value is one of
//   deepObject      100,000 nested JSON arrays (a real API server refuses 10,000)
//   hugeString      a 16 MiB string
//   invalidUtf8     a string with bytes that are not UTF-8 (a Go server would have replaced them)
//   numberOverflow  1e400, outside every float type
// The store is untouched: only the bytes sent are changed.
#pragma once

#include <string>

namespace sim {

// True for the four names above.
bool isHostileKind(const std::string& kind);

// objectJson with the hostile field inserted after its opening brace; unchanged for an empty kind.
std::string withHostileField(const std::string& objectJson, const std::string& kind);

}  // namespace sim
