// Tag-level scanning of <form>, <input>, <select>/<option> and <button> elements.
#include "conformance/harness/html_form.h"

#include <map>

namespace linkgate::conformance {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return out;
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

struct Tag {
  std::string name;  // lower-cased; "/form" for a closing tag
  std::map<std::string, std::string> attrs;
  bool has(const std::string& a) const { return attrs.count(a) > 0; }
  std::string get(const std::string& a) const {
    auto it = attrs.find(a);
    return it == attrs.end() ? std::string() : it->second;
  }
};

// Parses the tag starting at html[pos] == '<'; sets `end` past its '>'.
std::optional<Tag> readTag(std::string_view html, size_t pos, size_t& end) {
  size_t i = pos + 1;
  Tag tag;
  const size_t name_start = i;
  while (i < html.size() && !isSpace(html[i]) && html[i] != '>' && html[i] != '/') ++i;
  if (i < html.size() && html[i] == '/' && i == name_start) {  // closing tag
    ++i;
    while (i < html.size() && !isSpace(html[i]) && html[i] != '>') ++i;
  }
  tag.name = lower(html.substr(name_start, i - name_start));
  while (i < html.size() && html[i] != '>') {
    while (i < html.size() && (isSpace(html[i]) || html[i] == '/')) ++i;
    if (i >= html.size() || html[i] == '>') break;
    const size_t attr_start = i;
    while (i < html.size() && !isSpace(html[i]) && html[i] != '=' && html[i] != '>') ++i;
    const std::string attr = lower(html.substr(attr_start, i - attr_start));
    std::string value;
    while (i < html.size() && isSpace(html[i])) ++i;
    if (i < html.size() && html[i] == '=') {
      ++i;
      while (i < html.size() && isSpace(html[i])) ++i;
      if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
        const char quote = html[i++];
        const size_t close = html.find(quote, i);
        if (close == std::string_view::npos) return std::nullopt;
        value = decodeEntities(html.substr(i, close - i));
        i = close + 1;
      } else {
        const size_t v_start = i;
        while (i < html.size() && !isSpace(html[i]) && html[i] != '>') ++i;
        value = decodeEntities(html.substr(v_start, i - v_start));
      }
    }
    if (!attr.empty()) tag.attrs.emplace(attr, value);
  }
  if (i >= html.size()) return std::nullopt;
  end = i + 1;
  return tag;
}

}  // namespace

std::string decodeEntities(std::string_view text) {
  static const std::map<std::string, std::string, std::less<>> kNamed = {
      {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", "\xC2\xA0"}};
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t semi = text[i] == '&' ? text.find(';', i) : std::string_view::npos;
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back(text[i]);
      continue;
    }
    const std::string_view ref = text.substr(i + 1, semi - i - 1);
    long code = -1;
    if (ref.starts_with("#x") || ref.starts_with("#X")) {
      code = std::strtol(std::string(ref.substr(2)).c_str(), nullptr, 16);
    } else if (ref.starts_with("#")) {
      code = std::strtol(std::string(ref.substr(1)).c_str(), nullptr, 10);
    } else if (auto it = kNamed.find(ref); it != kNamed.end()) {
      out += it->second;
      i = semi;
      continue;
    }
    if (code > 0 && code < 0x80) {
      out.push_back(static_cast<char>(code));
      i = semi;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::vector<HtmlForm> parseForms(std::string_view html) {
  std::vector<HtmlForm> forms;
  HtmlForm* current = nullptr;
  std::string open_select;  // name of the <select> being read
  std::optional<std::string> selected_option;
  std::optional<std::string> first_option;
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.substr(i, 4) == "<!--") {
      const size_t close = html.find("-->", i);
      i = close == std::string_view::npos ? html.size() : close + 3;
      continue;
    }
    size_t end = i + 1;
    auto tag = readTag(html, i, end);
    i = end;
    if (!tag) continue;
    if (tag->name == "form") {
      forms.push_back({});
      current = &forms.back();
      current->method = tag->has("method") ? lower(tag->get("method")) : "get";
      current->action = tag->get("action");
    } else if (tag->name == "/form") {
      current = nullptr;
    } else if (current == nullptr) {
      continue;
    } else if (tag->name == "input" && tag->has("name")) {
      const std::string type = lower(tag->get("type"));
      if (type == "submit" || type == "image") {
        current->buttons.emplace_back(tag->get("name"), tag->get("value"));
      } else if ((type != "checkbox" && type != "radio") || tag->has("checked")) {
        if (type != "button" && type != "reset" && type != "file") {
          current->fields.emplace_back(tag->get("name"), tag->get("value"));
        }
      }
    } else if (tag->name == "button" && tag->has("name")) {
      const std::string type = lower(tag->get("type"));
      if (type.empty() || type == "submit") {
        current->buttons.emplace_back(tag->get("name"), tag->get("value"));
      }
    } else if (tag->name == "select" && tag->has("name")) {
      open_select = tag->get("name");
      current->selects.emplace_back(open_select, std::vector<std::string>{});
      selected_option.reset();
      first_option.reset();
    } else if (tag->name == "option" && !open_select.empty()) {
      // An option without a value attribute submits its text; the simulator always sets one.
      const std::string value = tag->get("value");
      current->selects.back().second.push_back(value);
      if (!first_option) first_option = value;
      if (tag->has("selected")) selected_option = value;
    } else if (tag->name == "/select" && !open_select.empty()) {
      if (selected_option || first_option) {
        current->fields.emplace_back(open_select, selected_option ? *selected_option : *first_option);
      }
      open_select.clear();
    }
  }
  return forms;
}

}  // namespace linkgate::conformance
