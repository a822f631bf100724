// linkgatectl's output: a readable table for people, the gateway's JSON for scripts (--json).
#pragma once
#include <string>
#include <vector>

#include "tools/linkgatectl/client.h"

namespace linkgatectl {

struct Column {
  std::string title;
  std::string field;  // a top-level field, or "a.b" for a nested one
};

// One row per element of rows (JSON objects), columns padded to their widest cell.
std::string table(const Json& rows, const std::vector<Column>& columns);
// "name: value" lines of one object's columns.
std::string record(const Json& object, const std::vector<Column>& columns);
// A cell as text (strings bare, arrays joined by spaces, others as JSON; missing: "-").
std::string cell(const Json& object, const std::string& field);

}  // namespace linkgatectl
