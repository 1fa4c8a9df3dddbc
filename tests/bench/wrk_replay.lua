-- Replays the requests of a file prepared by wrk_bench.py, one per line, cycling:
--   METHOD <TAB> PATH <TAB> AUTHORIZATION or - <TAB> X-FORWARDED-FOR or - <TAB> BODY or -
-- Run with one thread (-t1): each thread has its own Lua state and would replay the same lines.
-- Arguments after `--`: the file, the first line to send (0-based; a later run starts past the lines an
-- earlier one used, so a deputy's token never votes twice in a round), and where to write the summary.

local requests = {}
local position = 0
local summary_path = nil

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    fields[#fields + 1] = field
  end
  return fields
end

function init(args)
  local path, first = args[1], tonumber(args[2] or "0")
  for line in io.lines(path) do
    local f = split(line)
    local headers = { ["Content-Type"] = "application/json" }
    if f[3] ~= "-" then headers["Authorization"] = f[3] end
    if f[4] ~= "-" then headers["X-Forwarded-For"] = f[4] end
    local body = nil
    if f[5] ~= "-" then body = f[5] end
    requests[#requests + 1] = wrk.format(f[1], f[2], headers, body)
  end
  position = first % #requests
end

function request()
  position = position + 1
  if position > #requests then position = 1 end
  return requests[position]
end

function done(summary, latency, _requests)
  -- One JSON line on stdout, read by wrk_bench.py.
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "status_errors": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, errors.status, errors.connect, errors.read, errors.write,
    errors.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
