// Answers of the simulator's hostile fault kinds (issue 15): a provider that answers too much,
// too deep, too long, or echoes the caller's secrets back in its error text.
#pragma once
#include "web/http.h"

namespace linkgate::sim {

// 200 JSON of about 3 MiB (a valid token answer padded with one huge field).
web::Response hugeBodyAnswer();
// 200 JSON with an access token and a field nested 100000 arrays deep.
web::Response deepJsonAnswer();
// 200 JSON whose access_token is 64 KiB long.
web::Response longTokenAnswer();
// 400 invalid_client whose error_description repeats the request's body and Authorization
// header (so the client secret, the code and the verifier) word for word.
web::Response echoSecretAnswer(const web::Request& request);

}  // namespace linkgate::sim
