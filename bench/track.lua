-- bench/track.lua - wrk script for the public tracking lookup
-- (bench/dossiers.sh): GET /api/v1/track/{code}?s={secret} for random
-- existing dossiers, read from $BENCH_PAIRS ("code,secret" lines).
-- With $BENCH_STATIC set, every request asks for that path instead (nginx
-- serving a file of the same size), with the same wrk settings.
-- With $BENCH_GZIP set, every request says Accept-Encoding: gzip.
local pairs_ = {}
local static = os.getenv("BENCH_STATIC")
local headers = {}
if os.getenv("BENCH_GZIP") then headers["Accept-Encoding"] = "gzip" end

function init(args)
	if static then return end
	for line in io.lines(os.getenv("BENCH_PAIRS")) do
		local code, secret = line:match("^([^,]+),(.+)$")
		if code then pairs_[#pairs_ + 1] = "/api/v1/track/" .. code .. "?s=" .. secret end
	end
	math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
	if static then return wrk.format("GET", static, headers) end
	return wrk.format("GET", pairs_[math.random(#pairs_)], headers)
end
