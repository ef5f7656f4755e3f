-- wrk script for bench/load.sh: readers load pages while signed-in readers post comments.
-- COOKIE and CSRF come from the environment (a session made by load.sh); one request in ten
-- is a comment. Statuses are counted per thread and summed in done().
local cookie = os.getenv("LOAD_COOKIE")
local csrf = os.getenv("LOAD_CSRF")
local articles = tonumber(os.getenv("LOAD_ARTICLES") or "50")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok, posted, failed, reads = 0, 0, 0, 0
  math.randomseed(os.time() + math.random(1000))
end

function request()
  local id = math.random(1, articles)
  if math.random(1, 10) == 1 then
    local body = "csrf=" .. csrf .. "&body=Load+test+comment+" .. math.random(1, 1000000000)
    return wrk.format("POST", "/articles/" .. id .. "/comments",
      { ["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
  end
  local pages = { "/", "/articles/" .. id, "/week/2026-W48", "/search?q=flood" }
  return wrk.format("GET", pages[math.random(1, #pages)], { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if status == 303 then
    posted = posted + 1
  elseif status == 200 then
    reads = reads + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local p, r, f = 0, 0, 0
  for _, t in ipairs(threads) do
    p = p + t:get("posted")
    r = r + t:get("reads")
    f = f + t:get("failed")
  end
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p99_ms=%.2f posted=%d reads=%d failed=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, p, r, f,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
