// What happens to credentials that integrators want to hear about (issue 13 emits
// credential.refresh_failed). Until the webhook outbox is wired in, main() installs
// LogCredentialEvents, which writes one stderr line per event: ids and health, never a token.
#pragma once
#include <iostream>
#include <mutex>
#include <string>

#include "gateway/store.h"

namespace linkgate::gateway {

class CredentialEvents {
 public:
  virtual ~CredentialEvents() = default;
  // A refresh failed permanently: the credential (health already `error`) needs a new link.
  // Called once per failure, after the health is stored. Must not block; thread-safe.
  virtual void refreshFailed(const Credential& credential) = 0;
};

class LogCredentialEvents final : public CredentialEvents {
 public:
  void refreshFailed(const Credential& c) override {
    std::lock_guard lock(mu_);
    std::cerr << "gateway: event credential.refresh_failed credential=" << c.id
              << " provider=" << c.provider << " account=" << c.account_id << std::endl;
  }

 private:
  std::mutex mu_;
};

}  // namespace linkgate::gateway
