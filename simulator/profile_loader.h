// Strict loader of emulation profiles (fixtures/providers/README.md): an unknown field, an
// unknown enum value, a wrong type or a bad template is an error "file: field: reason".
#pragma once
#include <filesystem>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "simulator/profile.h"

namespace linkgate::sim {

// Builds a profile from a parsed document. `file` names it in messages; its stem must equal
// the slug. Error id "bad_profile", message "file: field: reason".
Result<Profile> parseProfile(const Json& doc, std::string_view file);
// Reads and parses one file.
Result<Profile> loadProfileFile(const std::filesystem::path& path);
// Every *.json in dir, sorted by slug. Fails on the first bad file, on a missing or empty dir.
Result<std::vector<Profile>> loadProfileDir(const std::filesystem::path& dir);

}  // namespace linkgate::sim
