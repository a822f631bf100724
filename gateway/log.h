// The gateway's structured log: one line per event, JSON (default) or text, written by a
// background thread in batches (gateway/log_writer.h). The request path only formats a line
// into a thread-local buffer and appends it: no lock held while writing, and a full buffer
// drops the line instead of blocking a request. Callers pass values that are
// already safe to log: never a secret (tokens, codes, client secrets, cookies, API keys).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace linkgate::gateway {

enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };
enum class LogFormat { kJson, kText };

// "debug|info|warn|error|off" and "json|text"; fail "bad_flag".
Result<LogLevel> parseLogLevel(std::string_view text);
Result<LogFormat> parseLogFormat(std::string_view text);

// One field of a line. Text values are JSON-escaped (JSON) or quoted when needed (text).
struct LogField {
  std::string_view key;
  std::string_view text;
  std::optional<int64_t> number;  // set: written as a number, `text` ignored
  static LogField str(std::string_view k, std::string_view v) { return {k, v, std::nullopt}; }
  static LogField num(std::string_view k, int64_t v) { return {k, {}, v}; }
};
using LogFields = std::vector<LogField>;

class Logger {
 public:
  // A logger that writes nothing (tests, and the default of Services).
  Logger();
  // Writes to stderr (fd 2) from a background thread. Thread-safe.
  static std::shared_ptr<Logger> toStderr(LogFormat format, LogLevel level);
  // Writes synchronously to `path` (appending): for tests of the line format.
  static std::shared_ptr<Logger> toFile(const std::string& path, LogFormat format,
                                        LogLevel level);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  bool enabled(LogLevel level) const { return level >= level_ && level_ != LogLevel::kOff; }
  // One line: {"ts":..., "level":..., "msg": msg, fields...}. Skipped below the level.
  void write(LogLevel level, std::string_view msg, const LogFields& fields);
  // Waits until every line so far is written (shutdown, tests).
  void flush();

  // The line as it would be written (no timestamp when ts_millis < 0); for tests.
  static std::string format(LogFormat format, LogLevel level, int64_t ts_millis,
                            std::string_view msg, const LogFields& fields);

 private:
  struct Sink;
  Logger(std::unique_ptr<Sink> sink, LogFormat format, LogLevel level);
  std::unique_ptr<Sink> sink_;
  LogFormat format_ = LogFormat::kJson;
  LogLevel level_ = LogLevel::kOff;
};

}  // namespace linkgate::gateway
