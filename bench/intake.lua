-- bench/intake.lua - wrk script for counter intake (bench/dossiers.sh).
--
-- Each wrk thread takes one line of $BENCH_CLERKS (a file of
-- "<bearer token> <counter id>" lines, one clerk and counter per reception
-- point, so that no point's daily code sequence (9999 a day) runs out) and
-- posts the same dossier again and again: codes are made by the server.
local clerks = {}
local next_clerk = 1

function setup(thread)
	if #clerks == 0 then
		for line in io.lines(os.getenv("BENCH_CLERKS")) do
			local token, counter = line:match("^(%S+)%s+(%d+)$")
			if token then clerks[#clerks + 1] = { token, counter } end
		end
	end
	local c = clerks[(next_clerk - 1) % #clerks + 1]
	next_clerk = next_clerk + 1
	thread:set("token", c[1])
	thread:set("counter", c[2])
end

function init(args)
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
	wrk.headers["Authorization"] = "Bearer " .. token
	wrk.path = "/api/v1/counters/" .. counter .. "/dossiers"
	wrk.body = '{"procedure_code":"1.004873","form":{"full_name":"Nguyễn Văn An","id_number":"079203001234",'
		.. '"birth_date":"2003-05-14","residence_unit":"26740","marital_status":"single","purpose":"Kết hôn"},'
		.. '"papers":["to_khai","giay_to_tuy_than"],"applicant":{"full_name":"Lê Văn Cường",'
		.. '"id_number":"079080001111","phone":"0912345678","ward_code":"26740"}}'
end
