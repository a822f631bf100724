// SqliteStore on real files in a temp dir: round trips, single use, schema versioning, and no
// secret in the database file's bytes.
#include "gateway/sqlite_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <sqlite3.h>

#include "gateway/test_support.h"

namespace linkgate::gateway {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  StoreTest() {
    EXPECT_TRUE(keys_.addKey("k1", std::string(32, 'x')));
    reopen();
  }
  void reopen() {
    store_.reset();
    auto s = SqliteStore::open(path(), keys_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  std::string path() const { return (dir_.path() / "gw.db").string(); }
  // Every byte of the database and its WAL.
  std::string fileBytes() const {
    std::string all;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::ifstream in(path() + suffix, std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      all += s.str();
    }
    return all;
  }

  testing::TempDir dir_;
  SeededRandom random_{7};
  KeyRing keys_{random_};
  std::unique_ptr<SqliteStore> store_;
};

OAuthApp app() {
  OAuthApp a;
  a.id = "11111111-1111-4111-8111-111111111111";
  a.account_id = "acct";
  a.provider = "github";
  a.client_id = "client";
  a.client_secret = "SECRET-client-secret-value";
  a.name = "n";
  a.default_scopes = {"a", "b"};
  a.metadata = {{"k", "v"}};
  a.created_at = a.updated_at = 100;
  return a;
}

Credential credential() {
  Credential c;
  c.id = "22222222-2222-4222-8222-222222222222";
  c.account_id = "acct";
  c.app_id = app().id;
  c.provider = "github";
  c.properties = {{"access_token", "ACCESS-token-value-123"}, {"refresh_token", "REFRESH-value-456"}};
  c.created_at = c.updated_at = 100;
  return c;
}

AuthCode code() {
  AuthCode a;
  a.code = "CODE-value-789";
  a.credential_id = credential().id;
  a.app_id = app().id;
  a.account_id = "acct";
  a.integrator_state = "st";
  a.expires_at = 1000;
  return a;
}

TEST_F(StoreTest, AppsRoundTripAndSecretIsSealed) {
  ASSERT_TRUE(store_->insertApp(app()));
  auto found = store_->findApp(app().id);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->client_secret, "SECRET-client-secret-value");
  EXPECT_EQ((*found)->default_scopes, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ((*found)->metadata["k"], "v");
  EXPECT_EQ(store_->listApps("acct")->size(), 1u);
  EXPECT_EQ(store_->listApps("other")->size(), 0u);
  OAuthApp changed = app();
  changed.client_secret = "NEW-secret";
  ASSERT_TRUE(store_->updateApp(changed));
  EXPECT_EQ((*store_->findApp(app().id))->client_secret, "NEW-secret");
  EXPECT_FALSE(*store_->deleteApp("other", app().id));
  EXPECT_TRUE(*store_->deleteApp("acct", app().id));
  EXPECT_FALSE(*store_->findApp(app().id));
}

TEST_F(StoreTest, NoSecretInTheDatabaseFile) {
  ASSERT_TRUE(store_->insertApp(app()));
  ASSERT_TRUE(store_->saveCredentialWithCode(credential(), code()));
  ASSERT_TRUE(store_->addApiKey("APIKEY-value-000", "acct", 1));
  Flow f;
  f.id = "f1";
  f.state = "STATE-value-abc";
  f.provider_code_verifier = "VERIFIER-value-def";
  f.expires_at = 1000;
  ASSERT_TRUE(store_->insertFlow(f));
  const std::string bytes = fileBytes();
  ASSERT_GT(bytes.size(), 1000u);
  for (const char* secret : {"SECRET-client-secret-value", "ACCESS-token-value-123",
                             "REFRESH-value-456", "CODE-value-789", "APIKEY-value-000",
                             "STATE-value-abc", "VERIFIER-value-def"}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
  }
  // Still readable through the store.
  EXPECT_EQ((*store_->findCredential(credential().id))->properties["access_token"],
            "ACCESS-token-value-123");
  EXPECT_EQ(**store_->accountForApiKey("APIKEY-value-000"), "acct");
  EXPECT_EQ((*store_->findFlowByState("STATE-value-abc"))->provider_code_verifier,
            "VERIFIER-value-def");
}

TEST_F(StoreTest, WrongKeyCannotOpenSecrets) {
  ASSERT_TRUE(store_->insertApp(app()));
  store_.reset();
  SeededRandom r(1);
  KeyRing other(r);
  ASSERT_TRUE(other.addKey("k2", std::string(32, 'y')));
  auto s = SqliteStore::open(path(), other);
  ASSERT_TRUE(s);
  EXPECT_FALSE((*s)->findApp(app().id));
}

TEST_F(StoreTest, KeyRotationKeepsOldValuesReadable) {
  ASSERT_TRUE(store_->insertApp(app()));
  store_.reset();
  SeededRandom r(2);
  KeyRing rotated(r);
  ASSERT_TRUE(rotated.addKey("k2", std::string(32, 'z')));  // new primary
  ASSERT_TRUE(rotated.addKey("k1", std::string(32, 'x')));  // the old key, read only
  auto s = SqliteStore::open(path(), rotated);
  ASSERT_TRUE(s);
  auto found = (*s)->findApp(app().id);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->client_secret, "SECRET-client-secret-value");
  ASSERT_TRUE((*s)->updateApp(**found));  // re-sealed under k2
  EXPECT_NE(fileBytes().find("k2."), std::string::npos);
}

TEST_F(StoreTest, CodesAreSingleUseExpireAndBindToApp) {
  ASSERT_TRUE(store_->saveCredentialWithCode(credential(), code()));
  auto found = store_->findCode("CODE-value-789");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->integrator_state, "st");
  EXPECT_FALSE(*store_->consumeCode("CODE-value-789", "other-app", 10));
  EXPECT_FALSE(*store_->consumeCode("CODE-value-789", app().id, 1000));  // expired
  EXPECT_TRUE(*store_->consumeCode("CODE-value-789", app().id, 10));
  EXPECT_FALSE(*store_->consumeCode("CODE-value-789", app().id, 10));
}

TEST_F(StoreTest, ConcurrentConsumersExactlyOneWins) {
  ASSERT_TRUE(store_->saveCredentialWithCode(credential(), code()));
  Flow f;
  f.id = "f1";
  f.state = "s";
  f.expires_at = 1000;
  ASSERT_TRUE(store_->insertFlow(f));
  std::atomic<int> codes{0}, flows{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (*store_->consumeCode("CODE-value-789", app().id, 10)) ++codes;
      if (*store_->consumeFlow("f1", 10)) ++flows;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(codes.load(), 1);
  EXPECT_EQ(flows.load(), 1);
}

TEST_F(StoreTest, FlowsAndStartLinks) {
  Flow f;
  f.id = "f1";
  f.state = "st";
  f.cookie_hash = "h";
  f.integrator_state = std::string("\0\xff", 2);
  f.scopes = {"a"};
  f.connection_params = {{"subdomain", "acme"}};
  f.code_challenge = "cc";
  f.expires_at = 50;
  ASSERT_TRUE(store_->insertFlow(f));
  auto found = store_->findFlowByState("st");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->integrator_state, std::string("\0\xff", 2));
  EXPECT_EQ((*found)->connection_params["subdomain"], "acme");
  EXPECT_FALSE(*store_->consumeFlow("f1", 50));  // expired at 50
  EXPECT_TRUE(*store_->consumeFlow("f1", 49));
  EXPECT_FALSE(*store_->findFlowByState("other"));

  StartLink link;
  link.token = "tok";
  link.account_id = "acct";
  link.app_id = "app";
  link.redirect_uri = "https://x";
  link.state = R"({"a":1})";
  link.expires_at = 100;
  ASSERT_TRUE(store_->insertStartLink(link));
  EXPECT_FALSE(*store_->consumeStartLink("tok", 100));
  auto used = store_->consumeStartLink("tok", 99);
  ASSERT_TRUE(used && *used);
  EXPECT_EQ((*used)->state, R"({"a":1})");
  EXPECT_FALSE(*store_->consumeStartLink("tok", 99));
}

TEST_F(StoreTest, CredentialsUpsertListDeleteAndIdentity) {
  Credential c = credential();
  c.provider_account = "user-1";
  ASSERT_TRUE(store_->saveCredential(c));
  c.properties["access_token"] = "new";
  c.health_status = "error";
  ASSERT_TRUE(store_->saveCredential(c));
  auto list = store_->listCredentials("acct");
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].properties["access_token"], "new");
  EXPECT_EQ((*list)[0].health_status, "error");
  EXPECT_EQ((*store_->findCredentialByProviderAccount("acct", c.app_id, "user-1"))->id, c.id);
  EXPECT_FALSE(*store_->findCredentialByProviderAccount("acct", c.app_id, "user-2"));
  EXPECT_TRUE(*store_->deleteCredential("acct", c.id));
  EXPECT_FALSE(*store_->findCredential(c.id));
}

TEST_F(StoreTest, IdentityIsReadBackAndOldSealedRowsStillOpen) {
  Credential c = credential();
  c.provider_account = "rt:secret-refresh";
  ASSERT_TRUE(store_->saveCredential(c));
  reopen();
  auto found = store_->findCredential(c.id);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->provider_account, "rt:secret-refresh");
  EXPECT_EQ((*found)->properties, c.properties);
  // A second save of what was read keeps the identity (a refresh must not lose it).
  ASSERT_TRUE(store_->saveCredential(**found));
  EXPECT_EQ((*store_->findCredentialByProviderAccount("acct", c.app_id, "rt:secret-refresh"))->id,
            c.id);
  // Rows sealed before the envelope held the properties alone.
  auto legacy = keys_.seal(dumpJson(c.properties), "credential:" + c.id);
  ASSERT_TRUE(legacy);
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE credentials SET sealed = ? WHERE id = ?", -1, &st,
                               nullptr),
            SQLITE_OK);
  sqlite3_bind_text(st, 1, legacy->c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, c.id.c_str(), -1, SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(db);
  reopen();
  auto old = store_->findCredential(c.id);
  ASSERT_TRUE(old && *old) << (old ? "" : old.error().message);
  EXPECT_EQ((*old)->properties, c.properties);
  EXPECT_EQ((*old)->provider_account, "");
}

TEST_F(StoreTest, SchemaVersionAndDurableAcrossReopen) {
  EXPECT_EQ(store_->schemaVersion(), SqliteStore::kSchemaVersion);
  ASSERT_TRUE(store_->insertRedirectUri({"r1", "acct", "https://x/cb", 1}));
  reopen();
  EXPECT_EQ(store_->schemaVersion(), SqliteStore::kSchemaVersion);
  EXPECT_EQ(store_->listRedirectUris("acct")->size(), 1u);
  EXPECT_TRUE(*store_->deleteRedirectUri("acct", "r1"));
}

TEST_F(StoreTest, RefusesANewerSchema) {
  store_.reset();
  {
    auto s = SqliteStore::open(path(), keys_);
    ASSERT_TRUE(s);
  }
  // Simulate a database written by a newer gateway.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto s = SqliteStore::open(path(), keys_);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().id, "store_schema");
}

}  // namespace
}  // namespace linkgate::gateway
