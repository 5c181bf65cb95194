-- wrk script: every request POSTs EVENTS JSON lines (default 10) to /topics/bench.
local events = tonumber(os.getenv("EVENTS") or "10")
local lines = {}
for i = 1, events do
  lines[i] = string.format('{"user":"u%d","action":"click","amount":%d.5}', i, i)
end
wrk.method = "POST"
wrk.path = "/topics/" .. (os.getenv("TOPIC") or "bench")
wrk.body = table.concat(lines, "\n")
wrk.headers["Content-Type"] = "application/x-ndjson"

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local ok = summary.requests - summary.errors.status
  io.write(string.format("requests/s %.0f  events/s %.0f  p50 %.2f ms  p99 %.2f ms  non-2xx %d\n",
    summary.requests / seconds, ok * events / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
