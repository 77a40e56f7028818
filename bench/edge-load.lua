-- wrk script for bench/edge-load.mjs: each connection POSTs distinct signed deliveries read
-- from a file of "signature<TAB>body" lines; threads take interleaved lines so no delivery
-- is sent twice.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  sigs, bodies = {}, {}
  for line in io.lines(args[1]) do
    local sig, body = line:match("^(%x+)\t(.*)$")
    sigs[#sigs + 1] = sig
    bodies[#bodies + 1] = body
  end
  step = tonumber(args[2])
  index = thread_id + 1 - step
  sent = 0
end

function request()
  index = index + step
  if index > #bodies then
    error("out of distinct deliveries: generate more")
  end
  sent = sent + 1
  return wrk.format("POST", "/webhooks/atlasbrokers",
    { ["Content-Type"] = "application/json", ["X-Webhook-Secret"] = sigs[index] }, bodies[index])
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("sent") end
  io.write(string.format("LOAD sent=%d completed=%d p50_us=%d p99_us=%d max_us=%d errors=%d non2xx=%d\n",
    total, summary.requests, latency:percentile(50), latency:percentile(99), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
