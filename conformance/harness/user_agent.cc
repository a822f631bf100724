// The suite's browser: hop-by-hop redirects, cookies, form submission, a readable trace.
#include "conformance/harness/user_agent.h"

#include <algorithm>

#include "core/params.h"

namespace linkgate::conformance {
namespace {

std::string clip(const std::string& s, size_t max = 240) {
  return s.size() > max ? s.substr(0, max) + "...(" + std::to_string(s.size()) + " bytes)" : s;
}

}  // namespace

void Trace::add(std::string line) {
  std::lock_guard lock(mu_);
  lines_.push_back(std::move(line));
}

void Trace::clear() {
  std::lock_guard lock(mu_);
  lines_.clear();
}

std::string Trace::text(size_t max_lines) const {
  std::lock_guard lock(mu_);
  std::string out;
  const size_t first = lines_.size() > max_lines ? lines_.size() - max_lines : 0;
  if (first > 0) out += "  ... " + std::to_string(first) + " earlier hops\n";
  for (size_t i = first; i < lines_.size(); ++i) out += "  " + lines_[i] + "\n";
  return out;
}

std::string originOf(const std::string& url) {
  const size_t sep = url.find("://");
  if (sep == std::string::npos) return {};
  const size_t end = url.find_first_of("/?#", sep + 3);
  return url.substr(0, end);
}

std::string resolveUrl(const std::string& base, const std::string& location) {
  if (location.find("://") != std::string::npos) return location;
  if (location.starts_with("//")) return base.substr(0, base.find("://") + 1) + location;
  if (location.starts_with("/")) return originOf(base) + location;
  std::string path = base.substr(0, base.find_first_of("?#", originOf(base).size()));
  if (location.starts_with("?")) return path + location;
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash >= originOf(base).size()) path.resize(slash + 1);
  else path += "/";
  return path + location;
}

UserAgent::UserAgent(HttpClient& http, std::vector<std::string> origins, Trace* trace)
    : http_(http), origins_(std::move(origins)), trace_(trace) {}

Result<HttpResponse> UserAgent::send(HttpRequest request) {
  if (auto cookie = jar_.headerFor(request.url)) {
    request.headers.emplace_back("Cookie", *cookie);
  }
  auto response = http_.send(request);
  std::string line = request.method + " " + clip(request.url);
  if (!request.body.empty()) line += " body=" + clip(request.body, 160);
  if (!response) {
    line += " -> transport error: " + response.error().message;
  } else {
    line += " -> " + std::to_string(response->status);
    if (auto loc = response->header("Location")) line += " Location: " + clip(*loc);
    for (const auto& set_cookie : response->headerValues("Set-Cookie")) {
      jar_.store(request.url, set_cookie);
      line += " Set-Cookie: " + clip(set_cookie, 120);
    }
  }
  if (trace_ != nullptr) trace_->add(std::move(line));
  return response;
}

Result<HttpResponse> UserAgent::get(const std::string& url, const HeaderList& headers) {
  HttpRequest request;
  request.url = url;
  request.headers = headers;
  return send(std::move(request));
}

Result<Landing> UserAgent::follow(HttpRequest first,
                                  const std::function<bool(const std::string&)>& stop_before) {
  Landing landing;
  HttpRequest request = std::move(first);
  for (int hop = 0; hop < 10; ++hop) {
    auto response = send(request);
    if (!response) return std::unexpected(response.error());
    landing.url = request.url;
    landing.response = std::move(*response);
    landing.next.reset();
    const int status = landing.response.status;
    const auto location = landing.response.header("Location");
    if (status < 300 || status > 399 || !location) return landing;
    const std::string next = resolveUrl(request.url, *location);
    const bool followed = std::ranges::find(origins_, originOf(next)) != origins_.end();
    if (!followed || (stop_before && stop_before(next))) {
      landing.next = next;
      return landing;
    }
    request = HttpRequest{};
    request.url = next;
  }
  return fail("redirect_loop", "more than 10 redirects");
}

Result<Landing> UserAgent::submit(const std::string& page_url, const HtmlForm& form,
                                  const std::pair<std::string, std::string>& choice,
                                  const std::vector<std::pair<std::string, std::string>>& overrides,
                                  const std::function<bool(const std::string&)>& stop_before) {
  Params params;
  for (const auto& [name, value] : form.fields) {
    const auto o = std::ranges::find_if(overrides, [&](const auto& p) { return p.first == name; });
    params.add(name, o == overrides.end() ? value : o->second);
  }
  params.add(choice.first, choice.second);
  HttpRequest request;
  const std::string action = form.action.empty() ? page_url : resolveUrl(page_url, form.action);
  if (form.method == "post") {
    request.method = "POST";
    request.url = action;
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    request.body = params.toForm();
  } else {
    request.url = action.substr(0, action.find('?')) + "?" + params.toForm();
  }
  return follow(std::move(request), stop_before);
}

}  // namespace linkgate::conformance
