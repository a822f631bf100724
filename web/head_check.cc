// Request-head judgement (see head_check.h). Grammar from RFC 9112 §2-§6 and RFC 9110 §5.
#include "web/head_check.h"

#include <cctype>

#include "core/ascii.h"

namespace linkgate::web {
namespace {

bool isTchar(unsigned char c) {
  if (std::isalnum(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool isFieldValueChar(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

std::string_view trimOws(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

HeadVerdict reject(int status, std::string description) {
  HeadVerdict v;
  v.kind = HeadVerdict::kReject;
  v.status = status;
  v.description = std::move(description);
  return v;
}

// method SP request-target SP HTTP-version
bool validRequestLine(std::string_view line) {
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0) return false;
  for (size_t i = 0; i < sp1; ++i)
    if (!isTchar(static_cast<unsigned char>(line[i]))) return false;
  size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp2 == sp1 + 1) return false;
  for (size_t i = sp1 + 1; i < sp2; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c <= 0x20 || c == 0x7f) return false;  // obs-text (>= 0x80) is left to the handler
  }
  std::string_view version = line.substr(sp2 + 1);
  return version == "HTTP/1.1" || version == "HTTP/1.0";
}

struct Fields {
  int content_lengths = 0;
  std::string_view content_length;
  int transfer_encodings = 0;
  std::string_view transfer_encoding;
  int hosts = 0;
  bool http11 = false;
};

std::optional<HeadVerdict> judgeField(std::string_view line, Fields& f) {
  if (line.front() == ' ' || line.front() == '\t')
    return reject(400, "obsolete line folding (a header line starting with white space)");
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return reject(400, "a header line without a colon");
  if (colon == 0) return reject(400, "a header line with an empty name");
  for (size_t i = 0; i < colon; ++i)
    if (!isTchar(static_cast<unsigned char>(line[i])))
      return reject(400, "a header name with a character outside the token set");
  std::string_view name = line.substr(0, colon);
  std::string_view value = trimOws(line.substr(colon + 1));
  for (unsigned char c : value)
    if (!isFieldValueChar(c)) return reject(400, "a control character in a header value");
  if (equalsIgnoreCase(name, "content-length")) {
    ++f.content_lengths;
    f.content_length = value;
  } else if (equalsIgnoreCase(name, "transfer-encoding")) {
    ++f.transfer_encodings;
    f.transfer_encoding = value;
  } else if (equalsIgnoreCase(name, "host")) {
    ++f.hosts;
  }
  return std::nullopt;
}

HeadVerdict judgeComplete(const Fields& f, size_t head_size) {
  HeadVerdict v;
  v.kind = HeadVerdict::kComplete;
  v.head_size = head_size;
  if (f.hosts > 1) return reject(400, "more than one Host header");
  if (f.http11 && f.hosts == 0) return reject(400, "an HTTP/1.1 request without a Host header");
  if (f.content_lengths > 1) return reject(400, "more than one Content-Length header");
  if (f.transfer_encodings > 1) return reject(400, "more than one Transfer-Encoding header");
  if (f.content_lengths == 1 && f.transfer_encodings == 1)
    return reject(400, "Transfer-Encoding and Content-Length together");
  if (f.transfer_encodings == 1) {
    if (!equalsIgnoreCase(f.transfer_encoding, "chunked"))
      return reject(400, "unsupported Transfer-Encoding (only chunked is accepted)");
    v.chunked = true;
  }
  if (f.content_lengths == 1) {
    std::string_view cl = f.content_length;
    if (cl.empty() || cl.size() > 18)
      return reject(400, "Content-Length must be a decimal number of at most 18 digits");
    uint64_t n = 0;
    for (char c : cl) {
      if (c < '0' || c > '9')
        return reject(400, "Content-Length must be a decimal number of at most 18 digits");
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    v.content_length = n;
  }
  return v;
}

}  // namespace

HeadVerdict checkRequestHead(std::string_view bytes, size_t max_head_bytes) {
  Fields f;
  size_t pos = 0;
  bool first = true;
  for (;;) {
    size_t lf = bytes.find('\n', pos);
    size_t cr = bytes.find('\r', pos);
    if (cr != std::string_view::npos && cr < lf && cr + 1 < bytes.size() && bytes[cr + 1] != '\n')
      return reject(400, "a CR not followed by LF in the request head");
    if (lf == std::string_view::npos) break;  // an unfinished line
    if (lf == 0 || bytes[lf - 1] != '\r' || cr < lf - 1)
      return reject(400, "a line of the request head not ended by CRLF");
    std::string_view line = bytes.substr(pos, lf - 1 - pos);
    pos = lf + 1;
    if (first) {
      if (!validRequestLine(line)) return reject(400, "a malformed HTTP request line");
      f.http11 = line.ends_with("HTTP/1.1");
      first = false;
      continue;
    }
    if (line.empty()) return judgeComplete(f, pos);
    if (auto verdict = judgeField(line, f)) return *verdict;
  }
  // The unfinished rest: refuse what can already be seen to be wrong.
  for (size_t i = pos; i < bytes.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == 0) return reject(400, "a NUL byte in the request head");
  }
  if (bytes.size() > max_head_bytes)
    return reject(413, "the request head exceeds " + std::to_string(max_head_bytes) + " bytes");
  return HeadVerdict{};
}

}  // namespace linkgate::web
