// Hostile fault answers (see fault_answers.h).
#include "simulator/fault_answers.h"

namespace linkgate::sim {
namespace {

web::Response jsonText(int status, std::string body) {
  web::Response r;
  r.status = status;
  r.body = std::move(body);
  r.setHeader("Content-Type", "application/json");
  r.setHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace

web::Response hugeBodyAnswer() {
  return jsonText(200, R"({"access_token":"sim-huge","token_type":"bearer","pad":")" +
                           std::string(3 << 20, 'p') + "\"}");
}

web::Response deepJsonAnswer() {
  constexpr size_t kDepth = 100000;
  std::string body = R"({"access_token":"sim-deep","token_type":"bearer","deep":)";
  body.append(kDepth, '[');
  body.append(kDepth, ']');
  body += "}";
  return jsonText(200, std::move(body));
}

web::Response longTokenAnswer() {
  return jsonText(200, dumpJson(Json{{"access_token", std::string(64 * 1024, 't')},
                                     {"token_type", "bearer"},
                                     {"expires_in", 3600}}));
}

web::Response echoSecretAnswer(const web::Request& request) {
  return jsonText(400, dumpJson(Json{
                           {"error", "invalid_client"},
                           {"error_description",
                            "client authentication failed for body '" + request.body +
                                "' with Authorization '" +
                                request.header("authorization").value_or("") + "'"}}));
}

}  // namespace linkgate::sim
