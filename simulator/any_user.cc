// Derived identities (see any_user.h).
#include "simulator/any_user.h"

#include <cctype>
#include <memory>

#include "core/crypto.h"

namespace linkgate::sim {
namespace {

// Fields that name the person (derived) rather than their organisation (kept as the template's).
bool isPersonalId(const std::string& key) {
  return key == "id" || key == "account_id" || key == "open_id" || key == "union_id" ||
         key == "node_id" || key == "uuid" || key == "guid" || key == "ig_user_id" ||
         key == "pmi" || key == "auth_event_id";
}

// Same shape as `like` (digits stay digits, hex stays hex, letters keep case, separators kept),
// characters from the hash.
std::string shaped(const std::string& like, const std::string& hash_hex) {
  const bool hex_like = like.find_first_not_of("0123456789abcdef-") == std::string::npos;
  std::string out;
  for (size_t i = 0; i < like.size(); ++i) {
    const unsigned v = static_cast<unsigned>(std::stoul(hash_hex.substr((i * 2) % 62, 2), nullptr, 16));
    const char c = like[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      out += static_cast<char>('0' + v % 10);
    } else if (hex_like && std::islower(static_cast<unsigned char>(c))) {
      out += "0123456789abcdef"[v % 16];
    } else if (std::islower(static_cast<unsigned char>(c))) {
      out += static_cast<char>('a' + v % 26);
    } else if (std::isupper(static_cast<unsigned char>(c))) {
      out += static_cast<char>('A' + v % 26);
    } else {
      out += c;
    }
  }
  if (!out.empty() && out[0] == '0' && like[0] != '0') out[0] = '1';  // no new leading zero
  return out;
}

std::string capitalised(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

std::shared_ptr<AnyUsers> newAnyUsers() { return std::make_shared<AnyUsers>(); }

const User& AnyUsers::add(User user) {
  std::lock_guard lock(mu_);
  for (const auto& u : users_) {
    if (u.at("id") == user.at("id")) return u;
  }
  users_.push_back(std::move(user));
  return users_.back();
}

const User* AnyUsers::find(std::string_view id) const {
  std::lock_guard lock(mu_);
  for (const auto& u : users_) {
    if (u.at("id") == id) return &u;
  }
  return nullptr;
}

Result<User> deriveUser(const Profile& profile, std::string_view typed) {
  while (!typed.empty() && typed.front() == ' ') typed.remove_prefix(1);
  while (!typed.empty() && typed.back() == ' ') typed.remove_suffix(1);
  if (typed.empty() || typed.size() > 128) {
    return fail("invalid_request", "sign in as: type an id or an email (1 to 128 characters)");
  }
  for (unsigned char c : typed) {
    if (c < 0x21 || c > 0x7e) {
      return fail("invalid_request", "sign in as: printable ASCII without spaces only");
    }
  }
  if (profile.users.empty()) return fail("invalid_request", "this profile has no users");
  for (const auto& u : profile.users) {
    auto email = u.find("email");
    if (u.at("id") == typed || (email != u.end() && email->second == typed)) return u;
  }
  const User& like = profile.users.front();
  const std::string text(typed);
  const auto at = text.find('@');
  const std::string local = text.substr(0, at);
  std::string domain = "example.com";
  if (auto e = like.find("email"); e != like.end() && e->second.find('@') != std::string::npos) {
    domain = e->second.substr(e->second.find('@') + 1);
  }
  const std::string email = at == std::string::npos ? local + "@" + domain : text;
  User user;
  for (const auto& [key, value] : like) {
    const std::string hash = sha256Hex("linkgate-any-user:" + profile.slug + ":" + key + ":" + text);
    if (isPersonalId(key)) {
      user[key] = shaped(value, hash);
    } else if (key == "email") {
      user[key] = email;
    } else if (key == "login" || key == "username" || key == "nickname" || key == "alias") {
      user[key] = local;
    } else if (key == "name" || key == "display_name" || key == "full_name") {
      user[key] = capitalised(local) + " Example";
    } else if (key == "given_name" || key == "first_name" || key == "firstname") {
      user[key] = capitalised(local);
    } else if (key == "family_name" || key == "last_name" || key == "lastname" ||
               key == "surname") {
      user[key] = "Example";
    } else {
      user[key] = value;  // the organisation, tenant, site, ...: the template user's
    }
  }
  for (const auto& u : profile.users) {
    if (u.at("id") == user.at("id")) user["id"] += "1";  // never a test user's id
  }
  return user;
}

}  // namespace linkgate::sim
