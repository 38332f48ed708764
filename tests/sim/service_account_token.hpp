// The TokenRequest subresource of ServiceAccounts (`POST .../serviceaccounts/NAME/token`, what
// `kubectl create token` calls): issues a token that authenticates as the ServiceAccount.
#pragma once

namespace sim {

struct Services;
struct Call;

// Answers 201 with the TokenRequest and its status.token; 404 when the ServiceAccount does not exist.
void handleTokenRequest(Services& s, Call& c);

}  // namespace sim
