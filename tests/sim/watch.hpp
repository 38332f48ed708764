// Watch streams: newline-delimited JSON events, delivered as soon as the store
// changes, with bookmarks, timeouts, selector transitions (an object that stops
// matching is reported DELETED) and 410 ERROR events for too-old versions.
#pragma once

namespace sim {

struct Services;
struct Call;

void serveWatch(Services& s, Call& c);

}  // namespace sim
