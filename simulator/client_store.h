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
  // For providers whose consent URL names the application, not the OAuth client (Amazon
  // SP-API: application_id vs the LWA client_id): the id the authorize request carries.
  std::string application_id = {};
  // The values of the profile's per_client connection params (Cognito's user_pool_id): given at
  // registration, else each param's example.
  std::map<std::string, std::string> params = {};
};

// The application id a provider would assign to client_id: `tmpl` with "{uuid}" replaced by a
// UUID derived from provider and client_id (stable, so a dev client keeps its id across runs).
std::string deriveApplicationId(const std::string& tmpl, const std::string& provider,
                                const std::string& client_id);

// Thread-safe; every method takes one lock.
class ClientStore {
 public:
  // Adds the client, replacing one with the same provider and client_id. False (and nothing
  // changed) when another client of the provider already has the same application_id.
  bool put(Client client);
  std::optional<Client> find(const std::string& provider, const std::string& client_id) const;
  std::optional<Client> findByApplicationId(const std::string& provider,
                                            const std::string& application_id) const;
  // False when there was no such client.
  bool remove(const std::string& provider, const std::string& client_id);
  std::vector<Client> list() const;  // ordered by provider, client_id
  void clear();

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Client> clients_;
};

}  // namespace linkgate::sim
