// End-user fields: validation and their at-rest / wire forms (end_user.h).
#include "gateway/end_user.h"

#include <algorithm>

#include "gateway/request_checks.h"

namespace linkgate::gateway {
namespace {

bool printableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

bool plausibleEmail(std::string_view s) {
  const size_t at = s.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < s.size() &&
         s.find('@', at + 1) == std::string_view::npos && printableAscii(s) &&
         s.find(' ') == std::string_view::npos;
}

}  // namespace

GwResult<EndUser> checkEndUser(const std::optional<std::string>& id,
                               const std::optional<std::string>& email,
                               const std::optional<std::string>& display_name) {
  EndUser user;
  if (!id) {
    if (email || display_name) {
      return gwFail(Code::kInvalidRequest,
                    "end_user_email and end_user_display_name need an end_user_id");
    }
    return user;
  }
  if (id->empty() || id->size() > kMaxEndUserIdBytes || !printableAscii(*id)) {
    return gwFail(Code::kInvalidRequest,
                  "end_user_id must be 1 to 256 bytes of printable ASCII (contract C-9.1)");
  }
  user.id = *id;
  if (email) {
    if (email->size() > kMaxEndUserEmailBytes || !plausibleEmail(*email)) {
      return gwFail(Code::kInvalidRequest,
                    "end_user_email must be an e-mail address (local@domain, printable ASCII, "
                    "no spaces, at most 320 bytes)");
    }
    user.email = *email;
  }
  if (display_name) {
    if (display_name->empty() || display_name->size() > kMaxEndUserNameBytes ||
        !isValidUtf8(*display_name) || hasControlChars(*display_name)) {
      return gwFail(Code::kInvalidRequest,
                    "end_user_display_name must be 1 to 256 bytes of UTF-8 without control "
                    "characters");
    }
    user.display_name = *display_name;
  }
  return user;
}

GwResult<EndUser> endUserFromBody(const Json& body) {
  std::optional<std::string> values[3];
  const char* names[3] = {"end_user_id", "end_user_email", "end_user_display_name"};
  for (int i = 0; i < 3; ++i) {
    auto it = body.find(names[i]);
    if (it == body.end() || it->is_null()) continue;
    if (!it->is_string()) {
      return gwFail(Code::kInvalidRequest, std::string(names[i]) + " must be a string");
    }
    values[i] = it->get<std::string>();
  }
  return checkEndUser(values[0], values[1], values[2]);
}

Json endUserRecord(const EndUser& user) {
  if (user.id.empty()) return nullptr;
  Json j = {{"id", user.id}};
  if (!user.email.empty()) j["email"] = user.email;
  if (!user.display_name.empty()) j["display_name"] = user.display_name;
  return j;
}

EndUser endUserFromRecord(const Json* record) {
  EndUser user;
  if (record == nullptr || !record->is_object()) return user;
  user.id = record->value("id", "");
  user.email = record->value("email", "");
  user.display_name = record->value("display_name", "");
  return user;
}

void addEndUserFields(Json& answer, const EndUser& user) {
  auto value = [](const std::string& v) { return v.empty() ? Json(nullptr) : Json(v); };
  answer["end_user_id"] = value(user.id);
  answer["end_user_email"] = value(user.email);
  answer["end_user_display_name"] = value(user.display_name);
}

}  // namespace linkgate::gateway
