// broken_proxy: a deliberately wrong gateway — a reverse proxy in front of the real one that
// breaks one contract clause per --mode — so CI can prove the conformance suite catches it.
// Prints "listening on URL", then reads the upstream gateway URL from its first stdin line
// (the suite starts it before the gateway, whose public URL must be this proxy's).
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/http_client.h"
#include "core/json.h"
#include "core/params.h"
#include "core/worker_pool.h"
#include "web/server.h"

namespace {

using namespace linkgate;

enum class Mode {
  kAlterState,     // the integrator's state loses its '+' escaping (%2B -> +) on the way back
  kTrailingSlash,  // a redirect_uri with a trailing slash is rewritten to match without it
  kDoubleRedeem,   // a redeemed code's token answer is cached and replayed to later callers
  kDropIss,        // iss (RFC 9207) is removed from redirects back to the integrator
};

std::optional<Mode> parseMode(const std::string& name) {
  static const std::map<std::string, Mode> kModes = {{"alter-state", Mode::kAlterState},
                                                     {"trailing-slash", Mode::kTrailingSlash},
                                                     {"double-redeem", Mode::kDoubleRedeem},
                                                     {"drop-iss", Mode::kDropIss}};
  auto it = kModes.find(name);
  return it == kModes.end() ? std::nullopt : std::optional<Mode>(it->second);
}

bool skippedHeader(const std::string& name) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return n == "host" || n == "content-length" || n == "connection" || n == "transfer-encoding" ||
         n == "keep-alive" || n == "expect";
}

// Applies `edit` to the raw value of query parameter `name` in `url` (first occurrence).
template <class Edit>
std::string editParam(const std::string& url, const std::string& name, Edit edit) {
  const size_t q = url.find('?');
  if (q == std::string::npos) return url;
  std::string out = url.substr(0, q + 1);
  std::string query = url.substr(q + 1);
  size_t start = 0;
  bool first = true;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    std::string segment = query.substr(start, amp - start);
    const size_t eq = segment.find('=');
    const std::string key = segment.substr(0, eq);
    std::optional<std::string> value;
    if (key == name) value = edit(eq == std::string::npos ? "" : segment.substr(eq + 1));
    if (key != name || value) {
      if (!first) out += "&";
      out += key == name ? key + "=" + *value : segment;
      first = false;
    }
    start = amp + 1;
  }
  return out;
}

class BrokenProxy {
 public:
  explicit BrokenProxy(Mode mode) : mode_(mode), pool_(8) {}

  void setUpstream(std::string url) {
    std::lock_guard lock(mu_);
    upstream_ = std::move(url);
  }

  void handle(web::Request request, web::Responder respond) {
    pool_.post([this, request = std::move(request), respond]() mutable {
      respond(forward(std::move(request)));
    });
  }

 private:
  web::Response forward(web::Request request) {
    std::string upstream;
    {
      std::lock_guard lock(mu_);
      upstream = upstream_;
    }
    if (upstream.empty()) return web::Response::text(503, "no upstream yet\n");
    if (mode_ == Mode::kTrailingSlash && request.path == "/link/oauth2/start") {
      request.target = editParam(request.target, "redirect_uri",
                                 [](std::string v) -> std::optional<std::string> {
                                   // "...%2F" or "...%2F%3F..." (before the query): drop it.
                                   if (v.ends_with("%2F")) return v.substr(0, v.size() - 3);
                                   if (const size_t at = v.find("%2F%3F"); at != std::string::npos) {
                                     v.erase(at, 3);
                                   }
                                   return v;
                                 });
    }
    const bool token = request.path == "/link/oauth2/token" && request.method == "POST";
    std::optional<std::string> code;
    std::unique_lock<std::mutex> token_lock(token_mu_, std::defer_lock);
    if (mode_ == Mode::kDoubleRedeem && token) {
      code = codeOf(request);
      token_lock.lock();  // one redemption at a time, so later ones see the cache
      if (code) {
        if (auto it = redeemed_.find(*code); it != redeemed_.end()) return it->second;
      }
    }

    HttpRequest out;
    out.method = request.method;
    out.url = upstream + request.target;
    for (const auto& [name, value] : request.headers) {
      if (!skippedHeader(name)) out.headers.emplace_back(name, value);
    }
    out.body = request.body;
    out.total_timeout = std::chrono::milliseconds(60000);
    auto answer = http_.send(out);
    if (!answer) return web::Response::text(502, "upstream: " + answer.error().message + "\n");

    web::Response response;
    response.status = answer->status;
    response.body = answer->body;
    for (const auto& [name, value] : answer->headers) {
      if (skippedHeader(name)) continue;
      std::string v = value;
      std::string lower;
      for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      const bool location = lower == "location";
      if (location && request.path.starts_with("/link/oauth2/callback/")) v = breakLocation(v);
      response.addHeader(name, v);
    }
    if (mode_ == Mode::kDoubleRedeem && token && code && response.status == 200) {
      redeemed_[*code] = response;
    }
    return response;
  }

  std::string breakLocation(const std::string& location) const {
    if (mode_ == Mode::kAlterState) {
      return editParam(location, "state", [](std::string v) -> std::optional<std::string> {
        for (size_t at; (at = v.find("%2B")) != std::string::npos;) v.replace(at, 3, "+");
        return v;
      });
    }
    if (mode_ == Mode::kDropIss) {
      return editParam(location, "iss", [](const std::string&) -> std::optional<std::string> {
        return std::nullopt;
      });
    }
    return location;
  }

  static std::optional<std::string> codeOf(const web::Request& request) {
    if (auto json = parseJsonObject(request.body)) return jsonString(*json, "code");
    if (auto form = Params::parse(request.body)) return form->get("code");
    return std::nullopt;
  }

  Mode mode_;
  CurlHttpClient http_;
  WorkerPool pool_;
  std::mutex mu_;
  std::string upstream_;
  std::mutex token_mu_;
  std::map<std::string, web::Response> redeemed_;  // guarded by token_mu_
};

}  // namespace

int main(int argc, char** argv) {
  web::prepareSignals();
  std::optional<Mode> mode;
  std::optional<std::string> upstream;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help") {
      std::cout << "usage: broken_proxy --mode alter-state|trailing-slash|double-redeem|drop-iss"
                   " [--upstream URL]\n(without --upstream, reads it from the first stdin line)\n";
      return 0;
    }
    if (args[i] == "--mode" && i + 1 < args.size()) {
      mode = parseMode(args[++i]);
      if (!mode) {
        std::cerr << "broken_proxy: unknown mode " << args[i] << "\n";
        return 2;
      }
    } else if (args[i] == "--upstream" && i + 1 < args.size()) {
      upstream = args[++i];
    } else {
      std::cerr << "broken_proxy: bad flag " << args[i] << " (see --help)\n";
      return 2;
    }
  }
  if (!mode) {
    std::cerr << "broken_proxy: --mode is required\n";
    return 2;
  }
  BrokenProxy proxy(*mode);
  web::Server server({}, [&proxy](web::Request r, web::Responder s) {
    proxy.handle(std::move(r), std::move(s));
  });
  auto port = server.start();
  if (!port) {
    std::cerr << "broken_proxy: " << port.error().message << "\n";
    return 1;
  }
  std::cout << "listening on http://127.0.0.1:" << *port << std::endl;
  if (!upstream) {
    std::string line;
    if (!std::getline(std::cin, line) || line.empty()) {
      std::cerr << "broken_proxy: no upstream URL on stdin\n";
      return 1;
    }
    upstream = line;
  }
  proxy.setUpstream(*upstream);
  std::cerr << "broken_proxy: forwarding to " << *upstream << "\n";
  web::waitForShutdownSignal();
  server.stop();
  return 0;
}
