// ClientStore: a locked map.
#include "simulator/client_store.h"

namespace linkgate::sim {

void ClientStore::put(Client client) {
  std::lock_guard lock(mu_);
  auto key = std::make_pair(client.provider, client.client_id);
  clients_[key] = std::move(client);
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
