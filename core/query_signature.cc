// querySignature: sorted name=value pairs, HMAC-SHA256, lower-case hex.
#include "core/query_signature.h"

#include <algorithm>
#include <vector>

#include "core/ascii.h"
#include "core/crypto.h"

namespace linkgate {

std::string querySignature(const Params& query, std::string_view signature_param,
                           std::string_view key) {
  std::vector<Params::Item> items;
  for (const auto& item : query.items()) {
    if (item.first != signature_param && item.first != "signature") items.push_back(item);
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string message;
  for (const auto& [name, value] : items) {
    if (!message.empty()) message += '&';
    message += name + "=" + value;
  }
  return hexEncode(hmacSha256(key, message));
}

bool querySignatureValid(const Params& query, std::string_view signature_param,
                         std::string_view key) {
  if (query.count(signature_param) != 1) return false;
  std::string given = lowerAscii(*query.get(signature_param));
  return constantTimeEqual(given, querySignature(query, signature_param, key));
}

}  // namespace linkgate
