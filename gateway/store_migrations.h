// The schema history, one list spelled for each engine: entry i upgrades version i to i+1.
// Never edit a shipped entry; append one.
#pragma once
#include <string>
#include <vector>

namespace linkgate::gateway {

const std::vector<std::string>& sqliteMigrations();
const std::vector<std::string>& postgresMigrations();

}  // namespace linkgate::gateway
