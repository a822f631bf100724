// Registered OAuth clients per provider (POST /_sim/clients, --dev-clients).
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace linkgate::sim {

struct Client {
  std::string provider;
  std::string client_id;
  std::string client_secret;
  std::vector<std::string> redirect_uris;  // compared byte for byte
};

// Thread-safe; every method takes one lock.
class ClientStore {
 public:
  // Adds the client, replacing one with the same provider and client_id.
  void put(Client client);
  std::optional<Client> find(const std::string& provider, const std::string& client_id) const;
  // False when there was no such client.
  bool remove(const std::string& provider, const std::string& client_id);
  std::vector<Client> list() const;  // ordered by provider, client_id
  void clear();

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Client> clients_;
};

}  // namespace linkgate::sim
