// ClientStore: a locked map.
#include "simulator/client_store.h"

#include "core/crypto.h"

namespace linkgate::sim {

std::string deriveApplicationId(const std::string& tmpl, const std::string& provider,
                                const std::string& client_id) {
  const std::string hex = sha256Hex(provider + '\n' + client_id);
  const std::string uuid = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-4" + hex.substr(13, 3) +
                           "-" + hex.substr(16, 4) + "-" + hex.substr(20, 12);
  std::string out = tmpl;
  if (auto at = out.find("{uuid}"); at != std::string::npos) out.replace(at, 6, uuid);
  return out;
}

bool ClientStore::put(Client client) {
  std::lock_guard lock(mu_);
  if (!client.application_id.empty()) {
    for (const auto& [key, other] : clients_) {
      if (other.provider == client.provider && other.client_id != client.client_id &&
          other.application_id == client.application_id) {
        return false;
      }
    }
  }
  auto key = std::make_pair(client.provider, client.client_id);
  clients_[key] = std::move(client);
  return true;
}

std::optional<Client> ClientStore::findByApplicationId(const std::string& provider,
                                                       const std::string& application_id) const {
  std::lock_guard lock(mu_);
  for (const auto& [key, client] : clients_) {
    if (client.provider == provider && !client.application_id.empty() &&
        client.application_id == application_id) {
      return client;
    }
  }
  return std::nullopt;
}

std::optional<Client> ClientStore::find(const std::string& provider,
                                        const std::string& client_id) const {
  std::lock_guard lock(mu_);
  auto it = clients_.find({provider, client_id});
  if (it == clients_.end()) return std::nullopt;
  return it->second;
}

bool ClientStore::remove(const std::string& provider, const std::string& client_id) {
  std::lock_guard lock(mu_);
  return clients_.erase({provider, client_id}) > 0;
}

std::vector<Client> ClientStore::list() const {
  std::lock_guard lock(mu_);
  std::vector<Client> out;
  for (const auto& [key, client] : clients_) out.push_back(client);
  return out;
}

void ClientStore::clear() {
  std::lock_guard lock(mu_);
  clients_.clear();
}

}  // namespace linkgate::sim
