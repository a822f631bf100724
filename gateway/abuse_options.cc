// Parsing of the abuse-limit flags: "N/S" (N requests per S seconds; 0 = off), lockouts as
// "N/W/L" (N failures within W seconds lock for L seconds; 0 = off), caps as counts.
#include "gateway/abuse_options.h"

#include <charconv>

namespace linkgate::gateway {
namespace {

Result<std::vector<int64_t>> numbers(const std::string& flag, const std::string& text,
                                     size_t count, const char* shape) {
  if (text == "0") return std::vector<int64_t>(count, 0);
  std::vector<int64_t> out;
  size_t start = 0;
  for (;;) {
    size_t end = text.find('/', start);
    if (end == std::string::npos) end = text.size();
    int64_t v = 0;
    const char* first = text.data() + start;
    const char* last = text.data() + end;
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (first == last || ec != std::errc() || ptr != last || v < 0 || v > 1'000'000'000) {
      out.clear();
      break;
    }
    out.push_back(v);
    if (end == text.size()) break;
    start = end + 1;
  }
  if (out.size() != count) {
    return fail("bad_flag", flag + ": expected " + shape + " (or 0 for off), got \"" + text + "\"");
  }
  return out;
}

FlagSetting rate(const char* flag, const char* env, RateLimit& limit) {
  return {flag, env, [flag, &limit](const std::string& v) -> Status {
            auto n = numbers(flag, v, 2, "REQUESTS/SECONDS, e.g. 600/60");
            if (!n) return std::unexpected(n.error());
            if ((*n)[0] > 0 && (*n)[1] == 0) {
              return fail("bad_flag", std::string(flag) + ": SECONDS must be at least 1");
            }
            limit = {(*n)[0], (*n)[0] == 0 ? 60 : (*n)[1]};
            return {};
          }};
}

FlagSetting lockout(const char* flag, const char* env, LockoutPolicy& policy) {
  return {flag, env, [flag, &policy](const std::string& v) -> Status {
            auto n = numbers(flag, v, 3, "FAILURES/WINDOW_SECONDS/LOCK_SECONDS, e.g. 10/300/900");
            if (!n) return std::unexpected(n.error());
            if ((*n)[0] > 0 && ((*n)[1] == 0 || (*n)[2] == 0)) {
              return fail("bad_flag", std::string(flag) + ": the window and the lock must be at "
                                                          "least 1 second");
            }
            policy = {(*n)[0], (*n)[0] == 0 ? 300 : (*n)[1], (*n)[0] == 0 ? 300 : (*n)[2]};
            return {};
          }};
}

FlagSetting cap(const char* flag, const char* env, int64_t& value) {
  return {flag, env, [flag, &value](const std::string& v) -> Status {
            auto n = numbers(flag, v, 1, "a count");
            if (!n) return std::unexpected(n.error());
            value = (*n)[0];
            return {};
          }};
}

}  // namespace

std::vector<FlagSetting> abuseFlags(AbuseConfig& c) {
  return {
      rate("--token-rate-per-client", "LINKGATE_TOKEN_RATE_PER_CLIENT", c.token_per_client),
      rate("--token-rate-per-address", "LINKGATE_TOKEN_RATE_PER_ADDRESS", c.token_per_address),
      rate("--api-rate-per-key", "LINKGATE_API_RATE_PER_KEY", c.api_per_key),
      rate("--api-rate-per-address", "LINKGATE_API_RATE_PER_ADDRESS", c.api_per_address),
      lockout("--client-lockout", "LINKGATE_CLIENT_LOCKOUT", c.client_lockout),
      lockout("--api-key-lockout", "LINKGATE_API_KEY_LOCKOUT", c.api_key_lockout),
      cap("--max-pending-flows", "LINKGATE_MAX_PENDING_FLOWS", c.max_pending_flows),
      cap("--max-pending-flows-per-address", "LINKGATE_MAX_PENDING_FLOWS_PER_ADDRESS",
          c.max_pending_flows_per_address),
      {"--trusted-proxy", "LINKGATE_TRUSTED_PROXY",
       [&c](const std::string& v) -> Status {
         // Repeatable, or comma-separated: exact addresses of the proxies in front.
         size_t start = 0;
         while (start <= v.size()) {
           size_t end = v.find(',', start);
           if (end == std::string::npos) end = v.size();
           const std::string one = v.substr(start, end - start);
           if (one.empty() || one.size() > 64 ||
               one.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos) {
             return fail("bad_flag", "--trusted-proxy: expected IP addresses separated by "
                                     "commas, got \"" + v + "\"");
           }
           c.trusted_proxies.push_back(one);
           start = end + 1;
         }
         return {};
       }},
  };
}

std::string abuseUsage() {
  return R"(Abuse limits (docs/OPERATIONS.md "Abuse limits"; 0 turns one off):
  --token-rate-per-client N/S   POST /link/oauth2/token per client_id (30000/60)
  --token-rate-per-address N/S  POST /link/oauth2/token per client address (60000/60)
  --api-rate-per-key N/S        /v1/* per API key (30000/60)
  --api-rate-per-address N/S    /v1/* per client address (60000/60)
                         over a limit: 429 rate_limited with Retry-After (per instance)
  --client-lockout N/W/L        N wrong client secrets of one app within W s lock that app's
                                token requests for L s, on every instance (20/300/300)
  --api-key-lockout N/W/L       N wrong API keys from one address within W s lock that
                                address out of /v1 for L s, on every instance (50/300/300)
  --max-pending-flows N         unexpired flows in the database (1000000)
  --max-pending-flows-per-address N  flows started per address per flow TTL, per instance
                                (500000); past a cap /start answers too_many_pending_flows
  --trusted-proxy A[,A...]      peers whose X-Forwarded-For names the client address
  Each flag is also LINKGATE_<NAME> (e.g. LINKGATE_CLIENT_LOCKOUT=10/300/900).
)";
}

}  // namespace linkgate::gateway
