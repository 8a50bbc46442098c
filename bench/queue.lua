-- bench/queue.lua - wrk script for the officials' work queue
-- (bench/national.sh): GET /api/v1/queues/process, each request as one of
-- the officials whose bearer tokens $BENCH_TOKENS holds (one a line),
-- picked at random, so that the requests spread over their agencies.
local tokens = {}

function init(args)
	for line in io.lines(os.getenv("BENCH_TOKENS")) do
		if #line > 0 then tokens[#tokens + 1] = line end
	end
	math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
	local t = tokens[math.random(#tokens)]
	return wrk.format("GET", "/api/v1/queues/process?limit=50", { Authorization = "Bearer " .. t })
end
