-- bench/signatures.lua - wrk script: an official signs a file remotely
-- (POST /api/v1/signatures with their PIN), over and over (bench/signatures.sh).
local headers, body

function init(args)
	headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN") }
	body = '{"file":"' .. os.getenv("BENCH_FILE") .. '","pin":"' .. os.getenv("BENCH_PIN") .. '"}'
end

function request()
	return wrk.format("POST", "/api/v1/signatures", headers, body)
end

function done(summary, latency, requests)
	local bad = summary.errors.status
	if bad > 0 then
		io.stderr:write(string.format("bench: %d answers were not 201\n", bad))
	end
end
