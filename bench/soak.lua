-- wrk script for bench/soak.sh: readers load pages while signed-in readers post comments, each
-- connection pausing SOAK_DELAY_MS between requests so fetching keeps its share of the CPU.
-- LOAD_COOKIE and LOAD_CSRF come from a session soak.sh made; one request in ten is a comment
-- on one of the first LOAD_ARTICLES articles. Statuses are counted per thread, summed in done().
local cookie = os.getenv("LOAD_COOKIE")
local csrf = os.getenv("LOAD_CSRF")
local articles = tonumber(os.getenv("LOAD_ARTICLES") or "50")
local pause = tonumber(os.getenv("SOAK_DELAY_MS") or "20")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  posted, reads, server_errors, other = 0, 0, 0, 0
  math.randomseed(os.time() + math.random(1000))
end

function delay()
  return pause
end

function request()
  local id = math.random(1, articles)
  if math.random(1, 10) == 1 then
    local body = "csrf=" .. csrf .. "&body=Soak+test+comment+" .. math.random(1, 1000000000)
    return wrk.format("POST", "/articles/" .. id .. "/comments",
      { ["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
  end
  local pages = { "/", "/articles/" .. id, "/search?q=harbour", "/api/v1/weeks/current" }
  return wrk.format("GET", pages[math.random(1, #pages)], { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if status == 303 then
    posted = posted + 1
  elseif status == 200 then
    reads = reads + 1
  elseif status >= 500 then
    server_errors = server_errors + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local p, r, s, o = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    p = p + t:get("posted")
    r = r + t:get("reads")
    s = s + t:get("server_errors")
    o = o + t:get("other")
  end
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f posted=%d reads=%d server_errors=%d other=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, p, r, s, o,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
