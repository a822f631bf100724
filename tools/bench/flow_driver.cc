// bench_flow_driver (tools/bench, not a test): whole OAuth2 flows per second, the same client for
// Linkgate and for Grant + Express. One thread, libcurl multi, N flows in flight; each flow is
// one easy handle with its own cookie jar (the "browser"), cleared before the next flow.
// A flow GETs --start and follows every 3xx itself (only to http://127.0.0.1 / localhost):
//  * with --final PREFIX and --token-url: a Location starting with PREFIX ends the browser part;
//    its `code` is POSTed to --token-url (form: code, client_id, client_secret) and the flow
//    succeeds on 200 with "access_token" in the body (Linkgate: the integrator's token call);
//  * otherwise the flow succeeds when the last answer is 200 with "access_token" in the body
//    (Grant: the app's callback route shows what Grant fetched).
// Prints one JSON line: flows, failed, seconds, per_second, p50_ms, p99_ms, requests (all, warm-up
// included), cpu_seconds (the driver's own user + system time), first_error.
//   bench_flow_driver --start URL [--final PREFIX --token-url URL --client-id ID
//                     --client-secret S] [--concurrency 32] [--duration 10] [--warmup 1]
#include <curl/curl.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string start, final_prefix, token_url, client_id, client_secret;
  int concurrency = 32;
  double duration = 10, warmup = 1;
};

bool parseOptions(int argc, char** argv, Options& o) {
  std::map<std::string, std::string> kv;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc || std::strncmp(argv[i], "--", 2) != 0) return false;
    kv[argv[i]] = argv[i + 1];
  }
  for (const auto& [k, v] : kv) {
    if (k == "--start") o.start = v;
    else if (k == "--final") o.final_prefix = v;
    else if (k == "--token-url") o.token_url = v;
    else if (k == "--client-id") o.client_id = v;
    else if (k == "--client-secret") o.client_secret = v;
    else if (k == "--concurrency") o.concurrency = std::stoi(v);
    else if (k == "--duration") o.duration = std::stod(v);
    else if (k == "--warmup") o.warmup = std::stod(v);
    else return false;
  }
  const bool token_mode = !o.token_url.empty();
  return !o.start.empty() && o.concurrency > 0 && o.duration > 0 &&
         token_mode == !o.final_prefix.empty();
}

bool loopback(const std::string& url) {
  return url.starts_with("http://127.0.0.1:") || url.starts_with("http://localhost:");
}

// The raw (still form/percent-encoded) value of `name` in the URL's query.
std::string queryParam(const std::string& url, const std::string& name) {
  const auto q = url.find('?');
  if (q == std::string::npos) return {};
  size_t pos = q + 1;
  while (pos <= url.size()) {
    size_t end = url.find_first_of("&#", pos);
    if (end == std::string::npos) end = url.size();
    const std::string pair = url.substr(pos, end - pos);
    if (pair.starts_with(name + "=")) return pair.substr(name.size() + 1);
    if (end >= url.size() || url[end] == '#') break;
    pos = end + 1;
  }
  return {};
}

size_t collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

struct Flow {
  CURL* easy = nullptr;
  std::string body;
  Clock::time_point began;
  int hops = 0;
  bool token_phase = false;
  std::string post;  // kept alive while the POST is in flight
};

class Driver {
 public:
  explicit Driver(Options o) : o_(std::move(o)), multi_(curl_multi_init()) {}
  ~Driver() {
    for (auto& f : flows_) {
      curl_multi_remove_handle(multi_, f->easy);
      curl_easy_cleanup(f->easy);
    }
    curl_multi_cleanup(multi_);
  }

  int run() {
    const auto t0 = Clock::now();
    window_start_ = t0 + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(o_.warmup));
    window_end_ = window_start_ + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(o_.duration));
    for (int i = 0; i < o_.concurrency; ++i) {
      auto f = std::make_unique<Flow>();
      f->easy = curl_easy_init();
      curl_easy_setopt(f->easy, CURLOPT_COOKIEFILE, "");  // cookie engine on, nothing loaded
      curl_easy_setopt(f->easy, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(f->easy, CURLOPT_NOPROXY, "*");     // loopback only, whatever the env says
      curl_easy_setopt(f->easy, CURLOPT_TIMEOUT_MS, 15000L);
      curl_easy_setopt(f->easy, CURLOPT_WRITEFUNCTION, collect);
      curl_easy_setopt(f->easy, CURLOPT_WRITEDATA, &f->body);
      curl_easy_setopt(f->easy, CURLOPT_PRIVATE, f.get());
      flows_.push_back(std::move(f));
    }
    for (auto& f : flows_) begin(*f);
    int running = 1;
    while (Clock::now() < window_end_) {
      curl_multi_perform(multi_, &running);
      int left = 0;
      while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
        if (m->msg != CURLMSG_DONE) continue;
        Flow* f = nullptr;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&f));
        curl_multi_remove_handle(multi_, m->easy_handle);
        ++requests_;
        step(*f, m->data.result);
      }
      curl_multi_poll(multi_, nullptr, 0, 50, nullptr);
    }
    report();
    return 0;
  }

 private:
  void send(Flow& f, const std::string& url) {
    f.body.clear();
    curl_easy_setopt(f.easy, CURLOPT_URL, url.c_str());
    curl_multi_add_handle(multi_, f.easy);
  }

  void begin(Flow& f) {
    curl_easy_setopt(f.easy, CURLOPT_COOKIELIST, "ALL");  // a new browser for every flow
    curl_easy_setopt(f.easy, CURLOPT_HTTPGET, 1L);
    f.began = Clock::now();
    f.hops = 0;
    f.token_phase = false;
    send(f, o_.start);
  }

  void finish(Flow& f, bool ok, const std::string& why) {
    const auto now = Clock::now();
    if (f.began >= window_start_ && now <= window_end_) {
      if (ok) {
        latencies_us_.push_back(
            std::chrono::duration_cast<std::chrono::microseconds>(now - f.began).count());
      } else {
        ++failed_;
        if (first_error_.empty()) first_error_ = why;
      }
    }
    begin(f);
  }

  void step(Flow& f, CURLcode result) {
    if (result != CURLE_OK) return finish(f, false, curl_easy_strerror(result));
    long status = 0;
    char* location = nullptr;
    curl_easy_getinfo(f.easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(f.easy, CURLINFO_REDIRECT_URL, &location);
    const std::string where = location ? location : "";
    const bool ok_body = status == 200 && f.body.find("access_token") != std::string::npos;
    if (f.token_phase) return finish(f, ok_body, "token answer " + std::to_string(status) + ": " +
                                                     f.body.substr(0, 200));
    if (status >= 300 && status < 400 && !where.empty()) {
      if (!o_.final_prefix.empty() && where.starts_with(o_.final_prefix)) {
        const std::string code = queryParam(where, "code");
        if (code.empty()) return finish(f, false, "no code in " + where.substr(0, 200));
        f.token_phase = true;
        f.post = "code=" + code + "&client_id=" + o_.client_id +
                 "&client_secret=" + o_.client_secret;
        curl_easy_setopt(f.easy, CURLOPT_POSTFIELDS, f.post.c_str());
        curl_easy_setopt(f.easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(f.post.size()));
        return send(f, o_.token_url);
      }
      if (!loopback(where)) return finish(f, false, "redirect off loopback: " + where);
      if (++f.hops > 10) return finish(f, false, "more than 10 redirects");
      return send(f, where);
    }
    if (o_.final_prefix.empty() && ok_body) return finish(f, true, "");
    return finish(f, false, "answer " + std::to_string(status) + " at hop " +
                                std::to_string(f.hops) + ": " + f.body.substr(0, 200));
  }

  void report() {
    std::sort(latencies_us_.begin(), latencies_us_.end());
    auto pct = [&](double p) {
      if (latencies_us_.empty()) return 0.0;
      const size_t i = std::min(latencies_us_.size() - 1,
                                static_cast<size_t>(p * static_cast<double>(latencies_us_.size())));
      return static_cast<double>(latencies_us_[i]) / 1000.0;
    };
    std::string err;
    for (char c : first_error_) {
      if (c == '"' || c == '\\') err += '\\';
      err += (c >= 0x20 && c < 0x7f) ? c : ' ';
    }
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    std::printf("{\"flows\":%zu,\"failed\":%zu,\"seconds\":%.3f,\"per_second\":%.1f,"
                "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"requests\":%zu,\"cpu_seconds\":%.3f,"
                "\"first_error\":\"%s\"}\n",
                latencies_us_.size(), failed_, o_.duration,
                static_cast<double>(latencies_us_.size()) / o_.duration, pct(0.50), pct(0.99),
                requests_, cpu, err.c_str());
  }

  Options o_;
  CURLM* multi_;
  std::vector<std::unique_ptr<Flow>> flows_;
  Clock::time_point window_start_, window_end_;
  std::vector<long long> latencies_us_;
  size_t failed_ = 0, requests_ = 0;
  std::string first_error_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parseOptions(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: bench_flow_driver --start URL [--final PREFIX --token-url URL "
                 "--client-id ID --client-secret S] [--concurrency N] [--duration S] "
                 "[--warmup S]\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = Driver(std::move(o)).run();
  curl_global_cleanup();
  return rc;
}
