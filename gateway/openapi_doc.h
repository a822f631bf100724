// docs/openapi.json as shipped, embedded at build time (gateway/openapi_doc.cc.in): GET
// /openapi.json serves exactly the file in the repository.
#pragma once
#include <string_view>

namespace linkgate::gateway {

std::string_view openApiDocument();

}  // namespace linkgate::gateway
