-- wrk script for the ingest benchmark (wrk.ts): POSTs the bodies of WRK_REQUESTS to its paths, each with its own
-- idempotency key. The file, written by wrk.ts: a count and that many paths, then a count and that many bodies
-- holding @KEY@; request n goes to path n and takes body n (both cycling), so every thread's requests follow the
-- same plan as the in-process generators'.
local file = assert(io.open(os.getenv("WRK_REQUESTS"), "r"))
local function section()
  local list = {}
  for _ = 1, tonumber(file:read("*l")) do list[#list + 1] = file:read("*l") end
  return list
end
local paths = section()
local bodies = section()
file:close()

local headers = {}
for name, value in string.gmatch(os.getenv("WRK_HEADERS"), "([^\n:]+): ([^\n]+)") do headers[name] = value end

-- Each thread numbers its requests thread, thread + threads, …, so together they count 1, 2, 3, … like nextMessage().
local threads, thread, sent = 0, 0, 0
function setup(t)
  threads = threads + 1
  t:set("index", threads)
end
function init()
  thread = index
  threads = tonumber(os.getenv("WRK_THREADS"))
end
local run = os.getenv("WRK_RUN")

function request()
  local n = thread + sent * threads
  sent = sent + 1
  local body = string.gsub(bodies[(n - 1) % #bodies + 1], "@KEY@", run .. "-" .. n, 1)
  return wrk.format("POST", paths[(n - 1) % #paths + 1], headers, body)
end
