// SqlStore's read-through cache of what GET /link/oauth2/start reads (issue 10): an app and
// its account's redirect URIs, kept in memory (client secret unsealed, as any request holds
// it) and used only after one indexed read shows the account's configuration generation
// unchanged. Every write of an app or redirect URI bumps that generation (after the write,
// before the call returns), so a write through ANY instance sharing the database is seen by
// the next start on every instance: a short TTL would not be, which matters most for a
// deleted redirect URI or app (SPEC §2: refused at once). The generation is read BEFORE the
// rows it guards, so rows written between the two reads carry a newer generation than the one
// cached with them and are reloaded next time. Unknown apps are never cached. On SQLite the
// engine's ConfigSignal (config_signal.h) spares even that read while no process of the
// database has written an app or redirect URI since the entry was cached or last checked.
#include "gateway/store_sql.h"

namespace linkgate::gateway {
namespace {
constexpr size_t kMaxCachedApps = 10000;  // then start over: a bound, not an eviction policy
}  // namespace

Status SqlStore::bumpConfigGeneration(const std::string& account_id) {
  auto r = run("INSERT INTO config_generations (account_id, generation) VALUES (?, 1) "
               "ON CONFLICT (account_id) DO UPDATE SET generation = "
               "config_generations.generation + 1",
               {account_id});
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<int64_t> SqlStore::configGeneration(const std::string& account_id) {
  auto r = run("SELECT generation FROM config_generations WHERE account_id = ?", {account_id});
  if (!r) return std::unexpected(r.error());
  return r->rows.empty() ? int64_t{0} : r->rows[0].integer(0);
}

Result<std::optional<StartConfig>> SqlStore::findStartConfig(const std::string& app_id) {
  // Read before anything else, like the generation below: see config_signal.h.
  const ConfigSignal* signal = db_->configSignal();
  const std::optional<uint64_t> announced = signal ? signal->stable() : std::nullopt;
  std::shared_ptr<const StartConfig> cached;
  int64_t cached_generation = 0;
  {
    std::lock_guard lock(start_cache_mu_);
    if (auto it = start_cache_.find(app_id); it != start_cache_.end()) {
      // No write since this was cached, on any process of this database: no query at all.
      if (announced && it->second.announced == announced) {
        return std::optional<StartConfig>(*it->second.config);
      }
      cached = it->second.config;
      cached_generation = it->second.generation;
    }
  }
  if (cached) {
    // An app never changes account, so the cached one names the generation to check.
    auto generation = configGeneration(cached->app.account_id);
    if (!generation) return std::unexpected(generation.error());
    if (*generation == cached_generation) {
      std::lock_guard lock(start_cache_mu_);
      if (auto it = start_cache_.find(app_id); it != start_cache_.end() &&
                                                it->second.generation == *generation) {
        it->second.announced = announced;
      }
      return std::optional<StartConfig>(*cached);
    }
  }
  auto first = findApp(app_id);
  if (!first) return std::unexpected(first.error());
  if (!*first) {
    std::lock_guard lock(start_cache_mu_);
    start_cache_.erase(app_id);
    return std::optional<StartConfig>();
  }
  auto generation = configGeneration((*first)->account_id);
  if (!generation) return std::unexpected(generation.error());
  // Reloaded after the generation read (see above).
  auto config = Store::findStartConfig(app_id);
  if (!config) return std::unexpected(config.error());
  std::lock_guard lock(start_cache_mu_);
  if (!*config) {
    start_cache_.erase(app_id);
    return config;
  }
  if (start_cache_.size() >= kMaxCachedApps) start_cache_.clear();
  start_cache_[app_id] =
      CachedStartConfig{*generation, announced, std::make_shared<const StartConfig>(**config)};
  return config;
}

}  // namespace linkgate::gateway
