#include "core/json_writer.h"

namespace linkgate {
namespace {

// Length of the UTF-8 sequence at s[i] (RFC 3629: no overlongs, surrogates or > U+10FFFF),
// 0 when it is not one.
size_t utf8Length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

void JsonObjectWriter::quoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_ += '"';
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = utf8Length(s, i);
      if (n == 0) {
        valid_ = false;
        return;
      }
      out_.append(s.substr(i, n));
      i += n;
      continue;
    }
    if (c == '"' || c == '\\') {
      out_ += '\\';
      out_ += static_cast<char>(c);
    } else if (c < 0x20) {
      out_ += "\\u00";
      out_ += kHex[c >> 4];
      out_ += kHex[c & 0xF];
    } else {
      out_ += static_cast<char>(c);
    }
    ++i;
  }
  out_ += '"';
}

void JsonObjectWriter::key(std::string_view name) {
  if (out_.size() > 1) out_ += ',';
  quoted(name);
  out_ += ':';
}

JsonObjectWriter& JsonObjectWriter::string(std::string_view k, std::string_view value) {
  key(k);
  quoted(value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::optionalString(std::string_view k,
                                                   const std::optional<std::string>& value) {
  if (!value) return raw(k, "null");
  return string(k, *value);
}

JsonObjectWriter& JsonObjectWriter::boolean(std::string_view k, bool value) {
  return raw(k, value ? "true" : "false");
}

JsonObjectWriter& JsonObjectWriter::integer(std::string_view k, int64_t value) {
  return raw(k, std::to_string(value));
}

JsonObjectWriter& JsonObjectWriter::stringArray(std::string_view k,
                                                const std::vector<std::string>& values) {
  key(k);
  out_ += '[';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out_ += ',';
    quoted(values[i]);
  }
  out_ += ']';
  return *this;
}

JsonObjectWriter& JsonObjectWriter::raw(std::string_view k, std::string_view json) {
  key(k);
  out_ += json;
  return *this;
}

std::optional<std::string> JsonObjectWriter::finish() {
  if (!valid_) return std::nullopt;
  out_ += '}';
  return std::move(out_);
}

}  // namespace linkgate
