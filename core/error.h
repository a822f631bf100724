// Errors as values: every fallible call on a request path returns Result<T>.
// Error::id is a stable, machine-readable identifier ("bad_percent_escape"); message is for people.
#pragma once
#include <expected>
#include <string>
#include <utility>

namespace linkgate {

struct Error {
  std::string id;       // stable id, snake_case; callers branch on it
  std::string message;  // human readable; never contains secrets
};

template <class T>
using Result = std::expected<T, Error>;

// Status is Result<void>: success carries nothing.
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(std::string id, std::string message) {
  return std::unexpected<Error>(Error{std::move(id), std::move(message)});
}

}  // namespace linkgate
