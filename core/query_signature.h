// Signed callback queries (Shopify's `hmac`): HMAC-SHA256, hex, keyed with the app's client
// secret, over the other parameters sorted by name and joined as "name=value&name=value" with
// the decoded values. Shopify's documented example: secret "hush", query
// code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com&state=0.6784241404160823
// &timestamp=1337178173 → 700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf.
#pragma once
#include <string>
#include <string_view>

#include "core/params.h"

namespace linkgate {

// The signature of `query` without its `signature_param` (and Shopify's legacy `signature`).
std::string querySignature(const Params& query, std::string_view signature_param,
                           std::string_view key);
// Whether `query` carries exactly one `signature_param` equal (constant time, hex in any case)
// to querySignature.
bool querySignatureValid(const Params& query, std::string_view signature_param,
                         std::string_view key);

}  // namespace linkgate
