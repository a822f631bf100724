// Tables and records for linkgatectl.
#include "tools/linkgatectl/output.h"

#include <algorithm>

namespace linkgatectl {

std::string cell(const Json& object, const std::string& field) {
  const Json* at = &object;
  size_t start = 0;
  while (start <= field.size()) {
    size_t dot = field.find('.', start);
    if (dot == std::string::npos) dot = field.size();
    const std::string key = field.substr(start, dot - start);
    if (!at->is_object() || !at->contains(key)) return "-";
    at = &(*at)[key];
    start = dot + 1;
  }
  if (at->is_null()) return "-";
  if (at->is_string()) return at->get<std::string>();
  if (at->is_array()) {
    std::string out;
    for (const auto& v : *at)
      out += (out.empty() ? "" : " ") + (v.is_string() ? v.get<std::string>() : v.dump());
    return out.empty() ? "-" : out;
  }
  return at->dump();
}

std::string table(const Json& rows, const std::vector<Column>& columns) {
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> width;
  std::vector<std::string> head;
  for (const auto& c : columns) {
    head.push_back(c.title);
    width.push_back(c.title.size());
  }
  cells.push_back(head);
  for (const auto& row : rows) {
    std::vector<std::string> line;
    for (size_t i = 0; i < columns.size(); ++i) {
      line.push_back(cell(row, columns[i].field));
      width[i] = std::max(width[i], line.back().size());
    }
    cells.push_back(std::move(line));
  }
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(width[i] - line[i].size() + 2, ' ');
    }
    out += text + "\n";
  }
  return out;
}

std::string record(const Json& object, const std::vector<Column>& columns) {
  size_t w = 0;
  for (const auto& c : columns) w = std::max(w, c.title.size());
  std::string out;
  for (const auto& c : columns) {
    out += c.title + ":" + std::string(w - c.title.size() + 1, ' ') + cell(object, c.field) + "\n";
  }
  return out;
}

}  // namespace linkgatectl
