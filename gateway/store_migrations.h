// The schema history of each engine: entry i upgrades version i to i+1. Never edit a shipped
// entry; append one (to both lists, so the engines stay at the same version).
#pragma once
#include <span>

namespace linkgate::gateway {

std::span<const char* const> sqliteMigrations();
std::span<const char* const> postgresMigrations();

}  // namespace linkgate::gateway
