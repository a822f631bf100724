// The Pistache adapter: Pistache request → web::Request → Handler → web::Response → Pistache.
// Nothing else lives here; every Pistache 0.0.5 work-around is commented with its reason.
#include "web/server.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <mutex>
#include <optional>
#include <streambuf>

#include <pistache/cookie.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/http_header.h>
#include <pistache/peer.h>

#include "core/ascii.h"
#include "web/head_check.h"
#include "web/pistache_probe.h"
#include "web/raw_request.h"

namespace linkgate::web {
namespace P = Pistache;

namespace {

// Pistache keeps the raw request bytes only in a private parser buffer. The explicit
// instantiation below names that member legally ([temp.explicit]/12: access is not checked in
// explicit instantiations); we read the bytes, never write them.
using ParserBufferPtr = P::ArrayStreamBuf<char> P::Http::Private::ParserBase::*;
struct ParserBufferTag {
  friend ParserBufferPtr parserBuffer(ParserBufferTag);
};
template <ParserBufferPtr M>
struct ParserBufferAccess {
  friend ParserBufferPtr parserBuffer(ParserBufferTag) { return M; }
};
template struct ParserBufferAccess<&P::Http::Private::ParserBase::buffer>;

// Tcp::Handler::associateTransport is private (Transport is its friend); the front handler
// needs it to attach its inner Pistache handler to the same transport. Same technique.
using AssociatePtr = void (P::Tcp::Handler::*)(P::Tcp::Transport*);
struct AssociateTag {
  friend AssociatePtr associateMember(AssociateTag);
};
template <AssociatePtr M>
struct AssociateAccess {
  friend AssociatePtr associateMember(AssociateTag) { return M; }
};
template struct AssociateAccess<&P::Tcp::Handler::associateTransport>;

// The get area of a streambuf (protected members, reached through a derived class).
struct StreamPeek : std::streambuf {
  static std::string_view all(std::streambuf& b) {
    char* begin = (b.*&StreamPeek::eback)();
    char* end = (b.*&StreamPeek::egptr)();
    return {begin, static_cast<size_t>(end - begin)};
  }
};

// Pistache drops headers added with addRaw(); a named header class is sent (PISTACHE.md).
class NamedHeader final : public P::Http::Header::Header {
 public:
  NamedHeader(std::string name, std::string value)
      : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void write(std::ostream& os) const override { os << value_; }
  // A hash that never equals a Pistache typed header's, so no typed get<> casts to us.
  uint64_t hash() const override { return std::hash<std::string>{}("linkgate:" + name_); }

 private:
  std::string name_;
  std::string value_;
};

const char* statusText(int status) {
  switch (status) {
    case 413: return " Payload Too Large";
    case 501: return " Not Implemented";
    default: return " Bad Request";
  }
}

Response errorJson(int status, std::string error, std::string description) {
  return Response::json(status, Json{{"error", std::move(error)},
                                     {"error_description", std::move(description)}});
}

// One answer slot shared by every copy of a Responder.
struct Slot {
  std::mutex mu;
  std::optional<P::Http::ResponseWriter> writer;
  bool keep_alive = false;

  void send(Response r) {
    std::lock_guard lock(mu);
    if (!writer) return;
    P::Http::ResponseWriter w = std::move(*writer);
    writer.reset();
    auto peer = w.getPeer();
    // Pistache may have closed the connection meanwhile (client gone, or its idle timeout
    // answered 408): nothing to send to, and sending would touch a removed peer.
    if (!peer) return;
    if (r.drop_connection) {
      ::shutdown(peer->fd(), SHUT_RDWR);
      return;
    }
    if (keep_alive) {
      // Pistache answers "Connection: Close" to HTTP/1.1 requests without a Connection header
      // (upstream #940); HTTP/1.1 means keep-alive.
      w.headers().remove<P::Http::Header::Connection>();
      w.headers().add<P::Http::Header::Connection>(P::Http::ConnectionControl::KeepAlive);
    }
    bool nosniff = false;
    for (auto& [name, value] : r.headers) {
      if (equalsIgnoreCase(name, "set-cookie")) {
        // Pistache's Cookie::fromString mangles attributes ("Secure" comes back as "; Secure=",
        // an empty "; ;" appears). A cookie whose name is ours and whose value is the rest of
        // the line, with no parsed attributes, is written back byte for byte.
        size_t eq = value.find('=');
        w.cookies().add(P::Http::Cookie(value.substr(0, eq),
                                        eq == std::string::npos ? "" : value.substr(eq + 1)));
      } else if (!equalsIgnoreCase(name, "content-length") &&
                 !equalsIgnoreCase(name, "connection")) {
        w.headers().add(std::make_shared<NamedHeader>(name, value));
        nosniff = nosniff || equalsIgnoreCase(name, "x-content-type-options");
      }
    }
    // Every answer: no content sniffing of JSON or text into something executable.
    if (!nosniff) w.headers().add(std::make_shared<NamedHeader>("X-Content-Type-Options", "nosniff"));
    w.send(static_cast<P::Http::Code>(r.status), r.body);
  }
  ~Slot() {
    if (writer) send(errorJson(500, "server_error", "the request was not answered"));
  }
};

class AdapterHandler final : public P::Http::Handler {
 public:
  HTTP_PROTOTYPE(AdapterHandler)
  AdapterHandler(std::shared_ptr<web::Handler> handler, size_t max_body)
      : handler_(std::move(handler)), max_body_(max_body) {}

  void onRequest(const P::Http::Request& preq, P::Http::ResponseWriter writer) override {
    auto slot = std::make_shared<Slot>();
    auto raw = readHead(writer);
    slot->keep_alive = preq.version() == P::Http::Version::Http11 &&
                       !preq.headers().tryGet<P::Http::Header::Connection>();
    slot->writer.emplace(std::move(writer));
    Responder respond = [slot](Response r) { slot->send(std::move(r)); };
    if (!raw) {
      respond(errorJson(400, "invalid_request", raw.error().message));
      return;
    }
    Request req = std::move(*raw);
    req.body = preq.body();
    req.remote_address = preq.address().host();
    if (req.body.size() > max_body_) {
      respond(errorJson(413, "invalid_request",
                        "request body exceeds " + std::to_string(max_body_) + " bytes"));
      return;
    }
    try {
      (*handler_)(std::move(req), respond);
    } catch (const std::exception&) {
      // Pistache would answer 500 with e.what() as the body; internal text must not leak.
      respond(errorJson(500, "server_error", "internal error"));
    } catch (...) {
      respond(errorJson(500, "server_error", "internal error"));
    }
  }

 private:
  static Result<Request> readHead(P::Http::ResponseWriter& writer) {
    auto peer = writer.getPeer();
    if (!peer) return fail("bad_request_line", "connection gone");
    auto parser = P::Http::Handler::getParser(peer);
    if (!parser) return fail("bad_request_line", "no parser");
    auto& buffer = (*parser).*parserBuffer(ParserBufferTag{});
    std::string_view bytes = StreamPeek::all(buffer);
    size_t end = bytes.find("\r\n\r\n");
    return parseRequestHead(bytes.substr(0, end == std::string_view::npos ? bytes.size() : end + 2));
  }

  std::shared_ptr<web::Handler> handler_;
  size_t max_body_;
};


// In front of Pistache's parser: judges the request head as it arrives (web/head_check.h) and
// answers a malformed or oversized request itself, at once, in the JSON error contract, before
// Pistache can misread it. Accepted bytes go on to an inner AdapterHandler through Pistache's
// own Http::Handler::onInput. (That function is a private virtual: overriding it here and
// calling it on a second object that does not override it is the only way to run it.)
class FrontHandler final : public P::Http::Handler {
 public:
  HTTP_PROTOTYPE(FrontHandler)
  FrontHandler(std::shared_ptr<web::Handler> handler, size_t max_body, size_t max_head)
      : handler_(std::move(handler)), max_body_(max_body), max_head_(max_head) {}
  // Pistache clones the handler once per reactor thread: each clone gets its own inner.
  FrontHandler(const FrontHandler& other)
      : P::Http::Handler(other),
        handler_(other.handler_),
        max_body_(other.max_body_),
        max_head_(other.max_head_) {}

  void onRequest(const P::Http::Request& req, P::Http::ResponseWriter writer) override {
    inner().onRequest(req, std::move(writer));  // not reached: the inner handler gets requests
  }

 private:
  static constexpr const char* kRefused = "linkgate.refused";

  void onInput(const char* data, size_t len, const std::shared_ptr<P::Tcp::Peer>& peer) override {
    if (peer->tryGetData(kRefused)) return;  // answered and closing: the rest is ignored
    auto parser = P::Http::Handler::getParser(peer);
    std::string_view have = StreamPeek::all((*parser).*parserBuffer(ParserBufferTag{}));
    if (have.size() + len > getMaxRequestSize()) {
      return refuse(peer, 413, "the request exceeds " + std::to_string(getMaxRequestSize()) +
                                   " bytes");
    }
    if (have.find("\r\n\r\n") == std::string_view::npos) {  // still in the head
      std::string joined;
      std::string_view bytes(data, len);
      if (!have.empty()) {
        joined.reserve(have.size() + len);
        joined.append(have).append(data, len);
        bytes = joined;
      }
      HeadVerdict v = checkRequestHead(bytes, max_head_);
      if (v.kind == HeadVerdict::kReject) return refuse(peer, v.status, v.description);
      if (v.kind == HeadVerdict::kComplete) {
        if (v.content_length && *v.content_length > max_body_) {
          return refuse(peer, 413,
                        "request body exceeds " + std::to_string(max_body_) + " bytes");
        }
        switch (pistacheReadsHead(bytes.substr(0, v.head_size))) {
          case PistacheHead::kReads:
            break;
          case PistacheHead::kUnknownMethod:
            return refuse(peer, 501, "the request method is not one this server implements");
          case PistacheHead::kUnreadableField:
            return refuse(peer, 400, "a request header the HTTP parser cannot read");
        }
      }
    }
    static_cast<P::Tcp::Handler&>(inner()).onInput(data, len, peer);
  }

  void refuse(const std::shared_ptr<P::Tcp::Peer>& peer, int status, const std::string& why) {
    peer->putData(kRefused, std::make_shared<bool>(true));
    std::string body = Json{{"error", "invalid_request"}, {"error_description", why}}.dump();
    std::string text = "HTTP/1.1 " + std::to_string(status) +
                       statusText(status) +
                       "\r\nContent-Type: application/json\r\nContent-Length: " +
                       std::to_string(body.size()) +
                       "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff"
                       "\r\nConnection: close\r\n\r\n" + body;
    std::weak_ptr<P::Tcp::Peer> weak = peer;
    // After the answer: no more writes; the client's close (or the header timeout) ends it.
    peer->send(P::RawBuffer(text, text.size()))
        .then([weak](ssize_t) {
                if (auto p = weak.lock()) ::shutdown(p->fd(), SHUT_WR);
              },
              [](std::exception_ptr) {});
  }

  AdapterHandler& inner() {
    if (!inner_) {
      inner_ = std::make_shared<AdapterHandler>(handler_, max_body_);
      inner_->setMaxRequestSize(getMaxRequestSize());
      inner_->setMaxResponseSize(getMaxResponseSize());
      inner_->setHeaderTimeout(getHeaderTimeout());
      inner_->setBodyTimeout(getBodyTimeout());
      (static_cast<P::Tcp::Handler&>(*inner_).*associateMember(AssociateTag{}))(transport());
    }
    return *inner_;
  }

  std::shared_ptr<web::Handler> handler_;
  size_t max_body_;
  size_t max_head_;
  std::shared_ptr<AdapterHandler> inner_;
};

}  // namespace

struct Server::Impl {
  std::unique_ptr<P::Http::Endpoint> endpoint;
  bool running = false;
};

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>()), options_(std::move(options)) {
  handler_ = std::make_shared<Handler>(std::move(handler));
}

Server::~Server() { stop(); }

Result<uint16_t> Server::start() {
  try {
    P::Address addr(options_.address, P::Port(options_.port));
    impl_->endpoint = std::make_unique<P::Http::Endpoint>(addr);
    auto opts = P::Http::Endpoint::options()
                    .threads(options_.threads)
                    .flags(P::Tcp::Options::ReuseAddr)
                    .maxRequestSize(options_.max_request_bytes)
                    .headerTimeout(options_.header_timeout)
                    .bodyTimeout(options_.body_timeout);
    impl_->endpoint->init(opts);
    impl_->endpoint->setHandler(std::make_shared<FrontHandler>(
        handler_, options_.max_body_bytes, options_.max_head_bytes));
    impl_->endpoint->serveThreaded();
    impl_->running = true;
    port_ = static_cast<uint16_t>(impl_->endpoint->getPort());
    return port_;
  } catch (const std::exception& e) {
    impl_->endpoint.reset();
    return fail("bind_failed", std::string("cannot listen on ") + options_.address + ":" +
                                   std::to_string(options_.port) + ": " + e.what());
  }
}

void Server::stop() {
  if (impl_ && impl_->running) {
    impl_->endpoint->shutdown();
    impl_->running = false;
  }
}

std::string Server::baseUrl() const {
  std::string host = options_.address == "0.0.0.0" ? "127.0.0.1" : options_.address;
  return "http://" + host + ":" + std::to_string(port_);
}

void prepareSignals() {
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int waitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace linkgate::web
