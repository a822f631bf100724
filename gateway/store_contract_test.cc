// The Store contract on both engines: round trips, sealing at rest, key rotation, single use,
// identity lookups, schema versioning, migrations once, durability across reopen.
#include <gtest/gtest.h>

#include <thread>

#include "gateway/store_migrations.h"
#include "gateway/store_test_fixture.h"

namespace linkgate::gateway::testing {
namespace {

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

int latestVersion() { return static_cast<int>(sqliteMigrations().size()); }

TEST_P(StoreContract, AppsRoundTripAndSecretIsSealed) {
  ASSERT_TRUE(store_->insertApp(app()));
  auto found = store_->findApp(app().id);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->client_secret, "SECRET-client-secret-value");
  EXPECT_EQ((*found)->default_scopes, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ((*found)->metadata["k"], "v");
  EXPECT_EQ((*found)->created_at, 100);
  EXPECT_EQ(store_->listApps("acct")->size(), 1u);
  EXPECT_EQ(store_->listApps("other")->size(), 0u);
  OAuthApp changed = app();
  changed.client_secret = "NEW-secret";
  changed.updated_at = 200;
  ASSERT_TRUE(store_->updateApp(changed));
  EXPECT_EQ((*store_->findApp(app().id))->client_secret, "NEW-secret");
  EXPECT_EQ((*store_->findApp(app().id))->updated_at, 200);
  EXPECT_FALSE(store_->insertApp(app())) << "a second app with the same id";
  EXPECT_FALSE(*store_->deleteApp("other", app().id));
  EXPECT_TRUE(*store_->deleteApp("acct", app().id));
  EXPECT_FALSE(*store_->findApp(app().id));
}

TEST_P(StoreContract, NoSecretAtRest) {
  ASSERT_TRUE(store_->insertApp(app()));
  ASSERT_TRUE(store_->saveCredentialWithCode(credential(), code()));
  ASSERT_TRUE(store_->addApiKey("APIKEY-value-000", "acct", 1));
  Flow f;
  f.id = "f1";
  f.state = "STATE-value-abc";
  f.provider_code_verifier = "VERIFIER-value-def";
  f.expires_at = 1000;
  ASSERT_TRUE(store_->insertFlow(f));
  StartLink link;
  link.token = "STARTLINK-value-ghi";
  link.account_id = "acct";
  link.expires_at = 1000;
  ASSERT_TRUE(store_->insertStartLink(link));
  const std::string bytes = bytesAtRest();
  ASSERT_GT(bytes.size(), 1000u);
  ASSERT_NE(bytes.find(app().id), std::string::npos) << "the scan sees the rows";
  for (const char* secret : {"SECRET-client-secret-value", "ACCESS-token-value-123",
                             "REFRESH-value-456", "CODE-value-789", "APIKEY-value-000",
                             "STATE-value-abc", "VERIFIER-value-def", "STARTLINK-value-ghi"}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
  }
  // Still readable through the store.
  EXPECT_EQ((*store_->findCredential(credential().id))->properties["access_token"],
            "ACCESS-token-value-123");
  EXPECT_EQ(**store_->accountForApiKey("APIKEY-value-000"), "acct");
  EXPECT_FALSE(*store_->accountForApiKey("APIKEY-value-001"));
  EXPECT_EQ((*store_->findFlowByState("STATE-value-abc"))->provider_code_verifier,
            "VERIFIER-value-def");
}

TEST_P(StoreContract, WrongKeyCannotOpenSecrets) {
  ASSERT_TRUE(store_->insertApp(app()));
  store_.reset();
  SeededRandom r(1);
  KeyRing other(r);
  ASSERT_TRUE(other.addKey("k2", std::string(32, 'y')));
  auto s = open(other);
  ASSERT_TRUE(s) << s.error().message;
  auto found = (*s)->findApp(app().id);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().id, "store_error");
}

TEST_P(StoreContract, KeyRotationKeepsOldValuesReadable) {
  ASSERT_TRUE(store_->insertApp(app()));
  store_.reset();
  SeededRandom r(2);
  KeyRing rotated(r);
  ASSERT_TRUE(rotated.addKey("k2", std::string(32, 'z')));  // new primary
  ASSERT_TRUE(rotated.addKey("k1", std::string(32, 'x')));  // the old key, read only
  auto s = open(rotated);
  ASSERT_TRUE(s);
  auto found = (*s)->findApp(app().id);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->client_secret, "SECRET-client-secret-value");
  EXPECT_EQ(bytesAtRest().find("k2."), std::string::npos);
  ASSERT_TRUE((*s)->updateApp(**found));  // re-sealed under k2
  EXPECT_NE(bytesAtRest().find("k2."), std::string::npos);
}

TEST_P(StoreContract, CodesAreSingleUseExpireAndBindToApp) {
  ASSERT_TRUE(store_->saveCredentialWithCode(credential(), code()));
  auto found = store_->findCode("CODE-value-789");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->integrator_state, "st");
  EXPECT_EQ((*found)->credential_id, credential().id);
  EXPECT_EQ((*found)->expires_at, 1000);
  EXPECT_FALSE(*store_->findCode("CODE-value-78"));
  EXPECT_FALSE(*store_->consumeCode("CODE-value-789", "other-app", 10));
  EXPECT_FALSE(*store_->consumeCode("CODE-value-789", app().id, 1000));  // expired
  EXPECT_TRUE(*store_->consumeCode("CODE-value-789", app().id, 10));
  EXPECT_FALSE(*store_->consumeCode("CODE-value-789", app().id, 10));
  // A second code for the same credential stores and redeems on its own.
  AuthCode again = code();
  again.code = "CODE-second";
  ASSERT_TRUE(store_->saveCredentialWithCode(credential(), again));
  EXPECT_TRUE(*store_->consumeCode("CODE-second", app().id, 10));
  EXPECT_FALSE(store_->saveCredentialWithCode(credential(), again)) << "a code is stored once";
}

TEST_P(StoreContract, ConcurrentConsumersExactlyOneWins) {
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

TEST_P(StoreContract, FlowsAndStartLinks) {
  Flow f;
  f.id = "f1";
  f.state = "st";
  f.cookie_hash = "h";
  f.account_id = "acct";
  f.app_id = "app";
  f.provider = "github";
  f.redirect_uri = "https://x/cb";
  f.integrator_state = std::string("\0\xff", 2);
  f.state_is_json = true;
  f.scopes = {"a"};
  f.connection_params = {{"subdomain", "acme"}};
  f.code_challenge = "cc";
  f.debug = true;
  f.created_at = 10;
  f.expires_at = 50;
  ASSERT_TRUE(store_->insertFlow(f));
  auto found = store_->findFlowByState("st");
  ASSERT_TRUE(found && *found);
  const Flow& g = **found;
  EXPECT_EQ(g.id, "f1");
  EXPECT_EQ(g.cookie_hash, "h");
  EXPECT_EQ(g.account_id, "acct");
  EXPECT_EQ(g.app_id, "app");
  EXPECT_EQ(g.provider, "github");
  EXPECT_EQ(g.redirect_uri, "https://x/cb");
  EXPECT_EQ(g.integrator_state, std::string("\0\xff", 2));
  EXPECT_TRUE(g.state_is_json);
  EXPECT_EQ(g.scopes, (std::vector<std::string>{"a"}));
  EXPECT_EQ(g.connection_params["subdomain"], "acme");
  EXPECT_EQ(g.code_challenge, "cc");
  EXPECT_FALSE(g.provider_code_verifier);
  EXPECT_TRUE(g.debug);
  EXPECT_EQ(g.created_at, 10);
  EXPECT_EQ(g.expires_at, 50);
  EXPECT_FALSE(*store_->consumeFlow("f1", 50));  // expired at 50
  EXPECT_TRUE(*store_->consumeFlow("f1", 49));
  EXPECT_FALSE(*store_->consumeFlow("f1", 49));
  EXPECT_TRUE(*store_->findFlowByState("st")) << "a used flow is still found (callers check)";
  EXPECT_FALSE(*store_->findFlowByState("other"));

  StartLink link;
  link.token = "tok";
  link.account_id = "acct";
  link.app_id = "app";
  link.redirect_uri = "https://x";
  link.state = R"({"a":1})";
  link.scope = "read write";
  link.connection_params = {{"shop", "s1"}};
  link.expires_at = 100;
  ASSERT_TRUE(store_->insertStartLink(link));
  EXPECT_FALSE(*store_->consumeStartLink("tok", 100));
  EXPECT_FALSE(*store_->consumeStartLink("tok2", 99));
  auto used = store_->consumeStartLink("tok", 99);
  ASSERT_TRUE(used && *used);
  EXPECT_EQ((*used)->token, "tok");
  EXPECT_EQ((*used)->account_id, "acct");
  EXPECT_EQ((*used)->app_id, "app");
  EXPECT_EQ((*used)->redirect_uri, "https://x");
  EXPECT_EQ((*used)->state, R"({"a":1})");
  EXPECT_EQ((*used)->scope, "read write");
  EXPECT_EQ((*used)->connection_params["shop"], "s1");
  EXPECT_EQ((*used)->expires_at, 100);
  EXPECT_FALSE(*store_->consumeStartLink("tok", 99));
}

TEST_P(StoreContract, RedirectUrisPerAccount) {
  ASSERT_TRUE(store_->insertRedirectUri({"r2", "acct", "https://x/b", 2}));
  ASSERT_TRUE(store_->insertRedirectUri({"r1", "acct", "https://x/a", 1}));
  ASSERT_TRUE(store_->insertRedirectUri({"r3", "other", "https://y", 1}));
  auto list = store_->listRedirectUris("acct");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "r1");  // oldest first
  EXPECT_EQ((*list)[0].url, "https://x/a");
  EXPECT_EQ((*list)[1].created_at, 2);
  EXPECT_FALSE(*store_->deleteRedirectUri("other", "r1"));
  EXPECT_TRUE(*store_->deleteRedirectUri("acct", "r1"));
  EXPECT_EQ(store_->listRedirectUris("acct")->size(), 1u);
}

TEST_P(StoreContract, CredentialsUpsertListDeleteAndIdentity) {
  Credential c = credential();
  c.provider_account = "user-1";
  c.connection_params = {{"subdomain", "acme"}};
  ASSERT_TRUE(store_->saveCredential(c));
  c.properties["access_token"] = "new";
  c.health_status = "error";
  c.health_detail = "invalid_grant";
  c.updated_at = 300;
  ASSERT_TRUE(store_->saveCredential(c));
  auto list = store_->listCredentials("acct");
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].properties["access_token"], "new");
  EXPECT_EQ((*list)[0].health_status, "error");
  EXPECT_EQ((*list)[0].health_detail, "invalid_grant");
  EXPECT_EQ((*list)[0].connection_params["subdomain"], "acme");
  EXPECT_EQ((*list)[0].created_at, 100);
  EXPECT_EQ((*list)[0].updated_at, 300);
  EXPECT_EQ(store_->listCredentials("other")->size(), 0u);
  EXPECT_EQ((*store_->findCredentialByProviderAccount("acct", c.app_id, "user-1"))->id, c.id);
  EXPECT_FALSE(*store_->findCredentialByProviderAccount("acct", c.app_id, "user-2"));
  EXPECT_FALSE(*store_->findCredentialByProviderAccount("other", c.app_id, "user-1"));
  EXPECT_FALSE(*store_->deleteCredential("other", c.id));
  EXPECT_TRUE(*store_->deleteCredential("acct", c.id));
  EXPECT_FALSE(*store_->findCredential(c.id));
}

TEST_P(StoreContract, DeletingACredentialDeletesItsCodes) {
  ASSERT_TRUE(store_->saveCredentialWithCode(credential(), code()));
  EXPECT_TRUE(*store_->deleteCredential("acct", credential().id));
  EXPECT_FALSE(*store_->findCode("CODE-value-789"));
  EXPECT_FALSE(*store_->consumeCode("CODE-value-789", app().id, 10));
}

TEST_P(StoreContract, IdentityIsReadBackAndOldSealedRowsStillOpen) {
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
  rawQuery("UPDATE credentials SET sealed = ? WHERE id = ?", {*legacy, c.id});
  reopen();
  auto old = store_->findCredential(c.id);
  ASSERT_TRUE(old && *old) << (old ? "" : old.error().message);
  EXPECT_EQ((*old)->properties, c.properties);
  EXPECT_EQ((*old)->provider_account, "");
}

// ---- End-user identity (issue 13) ----
// The credential page filtered on one end user (GET /v1/credentials?end_user_id=).
Result<std::vector<Credential>> ofEndUser(Store& store, const std::string& account,
                                          const std::string& end_user_id) {
  CredentialQuery q;
  q.end_user_id = end_user_id;
  return store.listCredentialsPage(account, q);
}

TEST_P(StoreContract, EndUserTravelsWithFlowsLinksAndCredentialsAndFilters) {
  const EndUser alice{"user 42/a", "alice@example.com", "Alice Ünal"};
  Flow f;
  f.id = "f1";
  f.state = "STATE-value-abc";
  f.expires_at = 1000;
  f.end_user = alice;
  ASSERT_TRUE(store_->insertFlow(f));
  EXPECT_EQ((*store_->findFlowByState("STATE-value-abc"))->end_user, alice);
  StartLink link;
  link.token = "STARTLINK-value-ghi";
  link.account_id = "acct";
  link.expires_at = 1000;
  link.end_user = alice;
  ASSERT_TRUE(store_->insertStartLink(link));
  EXPECT_EQ((*store_->consumeStartLink("STARTLINK-value-ghi", 10))->end_user, alice);

  Credential a = credential();
  a.end_user = alice;
  Credential b = credential();
  b.id = "33333333-3333-4333-8333-333333333333";
  b.end_user = EndUser{"user 7", "", ""};
  Credential none = credential();
  none.id = "44444444-4444-4444-8444-444444444444";
  Credential other = credential();
  other.id = "55555555-5555-4555-8555-555555555555";
  other.account_id = "other";
  other.end_user = alice;
  for (const auto& c : {a, b, none, other}) ASSERT_TRUE(store_->saveCredential(c));
  reopen();
  auto mine = ofEndUser(*store_, "acct", alice.id);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].id, a.id);
  EXPECT_EQ((*mine)[0].end_user, alice);
  EXPECT_EQ(ofEndUser(*store_, "acct", "user 7")->size(), 1u);
  EXPECT_EQ(ofEndUser(*store_, "acct", "user 4")->size(), 0u);
  EXPECT_EQ(ofEndUser(*store_, "other", alice.id)->size(), 1u);
  EXPECT_EQ((*store_->findCredential(none.id))->end_user, EndUser{});
  // A re-save moves the credential to another end user.
  a.end_user = EndUser{"user 7", "", ""};
  ASSERT_TRUE(store_->saveCredential(a));
  EXPECT_EQ(ofEndUser(*store_, "acct", alice.id)->size(), 0u);
  EXPECT_EQ(ofEndUser(*store_, "acct", "user 7")->size(), 2u);
  // The e-mail and display name are sealed with the tokens.
  EXPECT_EQ(bytesAtRest().find("alice@example.com"), std::string::npos);
}

TEST_P(StoreContract, SchemaVersionAndDurableAcrossReopen) {
  EXPECT_EQ(*store_->schemaVersion(), latestVersion());
  ASSERT_TRUE(store_->insertRedirectUri({"r1", "acct", "https://x/cb", 1}));
  ASSERT_TRUE(store_->saveCredentialWithCode(credential(), code()));
  reopen();
  EXPECT_EQ(*store_->schemaVersion(), latestVersion());
  EXPECT_EQ(store_->listRedirectUris("acct")->size(), 1u);
  EXPECT_TRUE(*store_->consumeCode("CODE-value-789", app().id, 10));
  EXPECT_TRUE(*store_->deleteRedirectUri("acct", "r1"));
}

TEST_P(StoreContract, RefusesANewerSchema) {
  store_.reset();
  // A database written by a newer gateway.
  rawQuery("UPDATE schema_version SET version = 99", {});
  auto s = open(keys_);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().id, "store_schema");
  EXPECT_NE(s.error().message.find("99"), std::string::npos) << s.error().message;
}

TEST_P(StoreContract, UpgradesADatabaseOfVersionOne) {
  ASSERT_TRUE(store_->saveCredentialWithCode(credential(), code()));
  store_.reset();
  // What a version-1 gateway left behind: no version-2 indexes.
  for (const char* index : {"flows_expiry", "codes_expiry", "codes_credential",
                            "start_links_expiry"}) {
    rawQuery(std::string("DROP INDEX ") + index, {});
  }
  rawQuery("ALTER TABLE api_keys DROP COLUMN prefix", {});  // nor the API key listing column
  // Nor the tables of later versions (webhooks, issue #13).
  for (const char* table : {"webhook_endpoints", "webhook_deliveries"}) {
    rawQuery(std::string("DROP TABLE ") + table, {});
  }
  // ... nor the end-user column (issue 13).
  rawQuery("DROP INDEX credentials_end_user", {});
  rawQuery("ALTER TABLE credentials DROP COLUMN end_user_id", {});
  // ... nor the refresher's columns and leases, nor the key-rotation progress (issue 13).
  rawQuery("DROP INDEX credentials_refresh", {});
  rawQuery("ALTER TABLE credentials DROP COLUMN token_expires_at", {});
  rawQuery("ALTER TABLE credentials DROP COLUMN refreshable", {});
  for (const char* table : {"refresh_leases", "key_rotation"}) {
    rawQuery(std::string("DROP TABLE ") + table, {});
  }
  rawQuery("DROP TABLE auth_lockouts", {});  // ... nor the lockouts (issue #15)
  rawQuery("DROP TABLE used_flows", {});      // ... nor the sealed flows' marks (issue 10)
  rawQuery("UPDATE schema_version SET version = 1", {});
  reopen();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(*store_->schemaVersion(), latestVersion());
  EXPECT_TRUE(*store_->consumeCode("CODE-value-789", app().id, 10)) << "rows kept";
  store_.reset();
  rawQuery("DROP INDEX codes_credential", {});  // exists again: the upgrade created it
  rawQuery("DROP TABLE webhook_deliveries", {});  // and the webhook tables
}

TEST_P(StoreContract, ManyOpeningTogetherMigrateOnce) {
  // A second database, opened by 6 "instances" at once: all succeed, one schema results.
  if (postgres()) {
    auto uri = cluster_->createDatabase();
    ASSERT_TRUE(uri);
    db_ = *uri;
  } else {
    db_ = (dir_.path() / "second.db").string();
  }
  std::vector<std::thread> threads;
  std::atomic<int> opened{0};
  std::vector<std::string> errors(6);
  for (size_t i = 0; i < errors.size(); ++i) {
    threads.emplace_back([&, i] {
      auto s = open(keys_);
      if (s) {
        ++opened;
      } else {
        errors[i] = s.error().message;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
  EXPECT_EQ(opened.load(), 6);
  reopen();
  EXPECT_EQ(*store_->schemaVersion(), latestVersion());
  auto db = raw();
  auto c = db->acquire();
  auto rows = (*c)->query("SELECT version FROM schema_version", {});
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->rows.size(), 1u) << "one version row: migrated once";
}

TEST(StoreOpen, PicksTheEngineByTheDbValueAndNeverPrintsAPassword) {
  EXPECT_TRUE(isPostgresUri("postgresql://h/db"));
  EXPECT_TRUE(isPostgresUri("postgres://h/db"));
  EXPECT_FALSE(isPostgresUri("/var/lib/gw.db"));
  EXPECT_FALSE(isPostgresUri("postgresql.db"));
  EXPECT_EQ(redactedDb("postgresql://u:s3cret@h:5432/db?sslmode=require"),
            "postgresql://u:***@h:5432/db?sslmode=require");
  EXPECT_EQ(redactedDb("postgres://u@h/db"), "postgres://u@h/db");
  EXPECT_EQ(redactedDb("/tmp/a:b@c.db"), "/tmp/a:b@c.db");
  // A server that is not there: a clear error, no password, well inside the timeout.
  SeededRandom r(5);
  KeyRing keys(r);
  const int port = freeLoopbackPort();
  auto s = openStore({"postgresql://u:s3cret@127.0.0.1:" + std::to_string(port) + "/db", 2}, keys);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().id, "store_unavailable");
  EXPECT_EQ(s.error().message.find("s3cret"), std::string::npos) << s.error().message;
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreContract, ::testing::Values("sqlite", "postgresql"),
                         engineName);

}  // namespace
}  // namespace linkgate::gateway::testing
