// Master-key rotation (issue 13): re-seals every stored secret under the key ring's primary key,
// online (gateways may be serving meanwhile), in batches of one transaction each, resumable
// after a crash (per table, the last key done is kept in the key_rotation table), with progress
// lines. A value is replaced only if it is still the one read (compare-and-set), so a write by
// a running gateway is never lost; such a write sealed under an old key by an instance not yet
// restarted with the new primary is caught by the final check and re-sealed in another pass.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/error.h"
#include "core/sealer.h"
#include "gateway/store_sql_engine.h"

namespace linkgate::gateway {

struct KeyRotationOptions {
  size_t batch = 100;                     // rows per transaction
  std::chrono::milliseconds throttle{0};  // pause between batches (load on a live database)
  int max_passes = 3;                     // final-check rounds before giving up
};

struct KeyRotationResult {
  int64_t resealed = 0;  // values re-sealed by this run
  int64_t already = 0;   // values found under the new key already
  bool resumed = false;  // a crashed run's progress was picked up
};

// Runs the rotation to the end. progress gets one line per batch and per table. Fails
// "rotation_failed" naming the row whose value no key of the ring opens (its key is missing),
// or "rotation_incomplete" when values sealed under other keys keep appearing (an instance
// still seals with an old primary), or the engine's error.
Result<KeyRotationResult> rotateMasterKey(SqlDatabase& db, const KeyRing& keys,
                                          const KeyRotationOptions& options, int64_t now,
                                          const std::function<void(const std::string&)>& progress);

}  // namespace linkgate::gateway
