// "Sign in as any user" on the consent page: a typed id or email becomes a new identity of the
// profile, its claims derived from the typed text (the same text gives the same user, in every
// run), shaped like the profile's first test user (id format, email domain, tenant fields).
#pragma once
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

#include "core/error.h"
#include "simulator/profile.h"

namespace linkgate::sim {

// The users typed in at run time, per profile. Thread-safe; pointers stay valid (never erased).
class AnyUsers {
 public:
  // Adds `user` unless one with its id exists; returns the stored one.
  const User& add(User user);
  const User* find(std::string_view id) const;

 private:
  mutable std::mutex mu_;
  std::deque<User> users_;
};

// The identity for `typed` (trimmed; 1..128 printable characters, else "invalid_request"). An id
// or email of a profile user gives that user.
Result<User> deriveUser(const Profile& profile, std::string_view typed);

}  // namespace linkgate::sim
