-- wrk script of bench/serve: POSTs single-row JSON bodies, cycling through the lines of a file
-- (one request body per line, written by serve.ts), over keep-alive connections, and prints a
-- one-line JSON summary at the end (requests/s, latency percentiles in microseconds, errors).
--
--   wrk -t1 -c32 -d15s -s bench/serve/load.lua http://127.0.0.1:PORT/PATH -- BODIES_FILE [TOKEN]
--
-- The request strings are built once per thread in init(), so wrk's Lua does nothing per
-- request but index a table.

local requests = {}
local n = 0
local i = 0

function init(args)
  local file = args[1]
  local token = args[2]
  local headers = { ["Content-Type"] = "application/json" }
  if token ~= nil and token ~= "" then
    headers["Authorization"] = "Bearer " .. token
  end
  for line in io.lines(file) do
    if #line > 0 then
      n = n + 1
      requests[n] = wrk.format("POST", nil, headers, line)
    end
  end
  if n == 0 then
    error("no request bodies in " .. tostring(file))
  end
  -- Threads start at different rows.
  i = math.random(0, n - 1)
end

function request()
  i = i % n + 1
  return requests[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"p999Us":%d,"maxUs":%d,"meanUs":%.1f,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
