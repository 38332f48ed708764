// Control endpoints under /_sim/ (full-access token required; expiry faults do
// not apply, so tests can always reach them):
//   GET    /_sim/healthz               {"ok":true,"resourceVersion":"N"}
//   GET    /_sim/audit[?since=SEQ]     audit records with seq > SEQ
//   DELETE /_sim/audit                 forget audit records
//   GET    /_sim/faults                rules with fired/remaining counts, watch faults, token expiry
//   POST   /_sim/faults                add faults (Faults::configure format, plus "tokens")
//   DELETE /_sim/faults                remove every fault and token expiry
//   POST   /_sim/objects               load a scenario (YAML or JSON body)
//   GET    /_sim/knobs, POST /_sim/knobs   read / merge knobs
//   POST   /_sim/tokens                {"user","token","readOnly"}: add or rotate a token
#pragma once

#include <httplib.h>

namespace sim {

struct Services;

void handleControl(Services& s, const httplib::Request& req, httplib::Response& res);

}  // namespace sim
