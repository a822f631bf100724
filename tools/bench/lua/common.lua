-- Shared by every wrk script of tools/bench: per-thread counters of answers with the expected
-- status (`ok`) and without (`bad`), and one machine-readable summary line from done():
--   BENCH_JSON {"requests":..,"seconds":..,"per_second":..,"ok":..,"bad":..,"errors":..,
--               "timeouts":..,"p50_ms":..,"p99_ms":..}
-- `errors` = wrk's socket errors (connect, read, write, timeout) + `bad` (any unexpected status).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

ok, bad = 0, 0

function header(headers, name)
  for k, v in pairs(headers) do
    if k:lower() == name then return v end
  end
  return nil
end

function done(summary, latency, requests)
  local okn, badn = 0, 0
  for _, t in ipairs(threads) do
    okn = okn + t:get("ok")
    badn = badn + t:get("bad")
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"seconds":%.3f,"per_second":%.1f,"ok":%d,"bad":%d,' ..
    '"errors":%d,"timeouts":%d,"p50_ms":%.3f,"p99_ms":%.3f}\n',
    summary.requests, seconds, summary.requests / seconds, okn, badn,
    e.connect + e.read + e.write + e.timeout + badn, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
