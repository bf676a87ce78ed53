-- wrk script of bench/storm_bench.py: every request's path and reader from a sequence drawn in advance.
--
-- Usage: wrk -s bench/storm_bench.lua URL -- REQUESTS_FILE app|static
-- REQUESTS_FILE (written by storm_bench.py) holds lines "P <path> <static path>" (one per page, by rank),
-- "C <cookie header>" (one per logged-in reader session), then "<page> <reader>" pairs, 1-based, reader 0
-- being an anonymous reader. "app" sends each page's path with its reader's cookie; "static" sends the
-- page's static copy's path, without cookies (nginx). Each thread starts at its own place in the sequence.
-- Answers are counted by X-Cache (HIT, MISS, any other label, or none: rendered for one reader, or nginx) and
-- by status;
-- done() prints the totals of every thread and the latency percentiles as one line of JSON.

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

hits, misses, other, uncached, failed = 0, 0, 0, 0, 0

local requests, pairs_count, position

function init(args)
   local static = args[2] == "static"
   local pages, cookies, sequence = {}, {}, {}
   for line in io.lines(args[1]) do
      local kind = line:sub(1, 1)
      if kind == "P" then
         local path, static_path = line:match("^P (%S+) (%S+)$")
         table.insert(pages, static and static_path or path)
      elseif kind == "C" then
         table.insert(cookies, line:sub(3))
      else
         local page, reader = line:match("^(%d+) (%d+)$")
         table.insert(sequence, tonumber(page))
         table.insert(sequence, static and 0 or tonumber(reader))
      end
   end
   -- Readers come with a browser's User-Agent, as the server's view counter (« Les plus lus ») expects them.
   local agent = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
   wrk.headers["User-Agent"] = agent
   -- Every (page, reader) request formatted once; the sequence then only picks them.
   local formatted = {}
   for page, path in ipairs(pages) do
      formatted[page] = {[0] = wrk.format("GET", path)}
      if not static then
         for reader, cookie in ipairs(cookies) do
            formatted[page][reader] = wrk.format("GET", path, {Host = wrk.headers["Host"], Cookie = cookie, ["User-Agent"] = agent})
         end
      end
   end
   requests = {}
   for i = 1, #sequence, 2 do
      requests[#requests + 1] = formatted[sequence[i]][sequence[i + 1]]
   end
   pairs_count = #requests
   position = (id * 40009) % pairs_count + 1
end

function request()
   local formatted = requests[position]
   position = position + 1
   if position > pairs_count then
      position = 1
   end
   return formatted
end

function response(status, headers, body)
   if status ~= 200 then
      failed = failed + 1
   end
   local label = headers["x-cache"] or headers["X-Cache"]
   if label == "HIT" then
      hits = hits + 1
   elseif label == "MISS" then
      misses = misses + 1
   elseif label then
      other = other + 1
   else
      uncached = uncached + 1
   end
end

function done(summary, latency, requests_stats)
   local totals = {hits = 0, misses = 0, other = 0, uncached = 0, failed = 0}
   for _, thread in ipairs(threads) do
      totals.hits = totals.hits + thread:get("hits")
      totals.misses = totals.misses + thread:get("misses")
      totals.other = totals.other + thread:get("other")
      totals.uncached = totals.uncached + thread:get("uncached")
      totals.failed = totals.failed + thread:get("failed")
   end
   local errors = summary.errors
   io.write(string.format(
      'STORM-LUA {"requests": %d, "duration_us": %d, "bytes": %d, "hits": %d, "misses": %d, "other": %d, "uncached": %d, ' ..
      '"non_200": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
      summary.requests, summary.duration, summary.bytes, totals.hits, totals.misses, totals.other, totals.uncached,
      totals.failed, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      latency.mean, errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
