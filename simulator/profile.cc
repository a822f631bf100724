// Wire names of the profile enums.
#include "simulator/profile.h"

#include "simulator/any_user.h"

namespace linkgate::sim {

std::string_view wireName(ScopeSeparator v) {
  switch (v) {
    case ScopeSeparator::kSpace: return "space";
    case ScopeSeparator::kComma: return "comma";
    case ScopeSeparator::kPlus: return "plus";
    case ScopeSeparator::kNone: return "none";
  }
  return "?";
}

std::string_view wireName(PkceMode v) {
  switch (v) {
    case PkceMode::kRequired: return "required";
    case PkceMode::kSupported: return "supported";
    case PkceMode::kNotSupported: return "not_supported";
    case PkceMode::kAcceptThenReject: return "accept_then_reject";
  }
  return "?";
}

std::string_view wireName(ClientAuth v) {
  switch (v) {
    case ClientAuth::kPost: return "client_secret_post";
    case ClientAuth::kBasic: return "client_secret_basic";
    case ClientAuth::kQuery: return "client_secret_query";
  }
  return "?";
}

std::string_view wireName(Encoding v) {
  switch (v) {
    case Encoding::kForm: return "form";
    case Encoding::kJson: return "json";
    case Encoding::kQuery: return "query";
  }
  return "?";
}

std::string_view wireName(ExpiresIn v) {
  switch (v) {
    case ExpiresIn::kNumber: return "number";
    case ExpiresIn::kString: return "string";
    case ExpiresIn::kAbsent: return "absent";
    case ExpiresIn::kZero: return "zero";
  }
  return "?";
}

std::string_view wireName(ResponseFormat v) {
  switch (v) {
    case ResponseFormat::kJson: return "json";
    case ResponseFormat::kForm: return "form";
    case ResponseFormat::kFormUnlessAcceptJson: return "form_unless_accept_json";
  }
  return "?";
}

std::string_view wireName(ErrorStyle v) {
  switch (v) {
    case ErrorStyle::kRfc: return "rfc";
    case ErrorStyle::kHttp200: return "http200";
    case ErrorStyle::kProvider: return "provider";
  }
  return "?";
}

std::string_view wireName(Rotation v) {
  switch (v) {
    case Rotation::kNone: return "none";
    case Rotation::kStrict: return "strict";
    case Rotation::kGrace: return "grace";
  }
  return "?";
}

std::string_view wireName(TokenIn v) {
  switch (v) {
    case TokenIn::kBearer: return "bearer";
    case TokenIn::kHeader: return "header";
    case TokenIn::kQuery: return "query";
  }
  return "?";
}

std::string_view wireName(IssueKind v) {
  switch (v) {
    case IssueKind::kAlways: return "always";
    case IssueKind::kNever: return "never";
    case IssueKind::kScope: return "scope";
    case IssueKind::kAuthorizeParam: return "authorize_param";
  }
  return "?";
}

std::string_view wireName(ResourceTokenIn v) {
  switch (v) {
    case ResourceTokenIn::kBearer: return "bearer";
    case ResourceTokenIn::kHeader: return "header";
    case ResourceTokenIn::kPath: return "path";
  }
  return "?";
}

std::string_view wireName(TradeAccepts v) {
  switch (v) {
    case TradeAccepts::kShortLived: return "short_lived";
    case TradeAccepts::kLongLived: return "long_lived";
    case TradeAccepts::kAny: return "any";
  }
  return "?";
}

std::string_view separatorText(ScopeSeparator v) {
  switch (v) {
    case ScopeSeparator::kComma: return ",";
    case ScopeSeparator::kPlus: return "+";
    default: return " ";
  }
}

std::vector<std::string> splitScopes(const std::string& text, ScopeSeparator separator) {
  const std::string_view sep = separatorText(separator);
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t next = text.find(sep, pos);
    out.push_back(text.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
    if (next == std::string::npos) return out;
    pos = next + sep.size();
  }
}

const User* Profile::findUser(std::string_view id) const {
  for (const auto& u : users) {
    auto it = u.find("id");
    if (it != u.end() && it->second == id) return &u;
  }
  return any_users ? any_users->find(id) : nullptr;
}

}  // namespace linkgate::sim
