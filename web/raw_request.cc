// Request-head parser used by the Pistache adapter (see raw_request.h for why).
#include "web/raw_request.h"

#include "core/ascii.h"

namespace linkgate::web {

Result<Request> parseRequestHead(std::string_view head) {
  Request req;
  size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1 || sp1 == 0) {
    return fail("bad_request_line", "malformed HTTP request line");
  }
  req.method = std::string(line.substr(0, sp1));
  req.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  if (req.target.empty()) return fail("bad_request_line", "empty request target");
  size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) {
    req.has_query = true;
    req.raw_query = req.target.substr(q + 1);
  }
  std::string_view rest = eol == std::string_view::npos ? std::string_view{} : head.substr(eol + 2);
  while (!rest.empty()) {
    size_t end = rest.find("\r\n");
    std::string_view h = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
    if (h.empty()) break;  // end of head
    size_t colon = h.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    std::string name = lowerAscii(h.substr(0, colon));
    std::string_view value = h.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    req.headers.emplace_back(std::move(name), std::string(value));
  }
  return req;
}

}  // namespace linkgate::web
