-- bench/documents.lua - wrk script: the clerical officer registers incoming
-- documents and sends each to a leader (bench/documents.sh).
--
-- Each connection posts a document (POST /api/v1/documents/incoming); the
-- thread keeps the ids the answers' Location headers give and sends each
-- registered document on to the leader $BENCH_LEADER before registering
-- the next (POST /api/v1/documents/{id}/actions/send_to_leader, If-Match
-- "v1"), so that half the requests register and half route.
local queue = {}
local headers, routing_headers, body, route_body

function init(args)
	local token = os.getenv("BENCH_TOKEN")
	headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
	routing_headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token,
		["If-Match"] = '"v1"' }
	body = '{"type_code":"cong_van","summary":"Về việc góp ý dự thảo Quy định quản lý kiến trúc đô thị",'
		.. '"doc_date":"' .. os.getenv("BENCH_DAY") .. '","sender":"Sở Xây dựng Thành phố Hồ Chí Minh",'
		.. '"sender_ref":"512/SXD-PC","urgency":"khan","pages":3}'
	route_body = '{"leader_id":' .. os.getenv("BENCH_LEADER") .. ',"note":"Kính chuyển Giám đốc cho ý kiến"}'
end

function request()
	local id = table.remove(queue)
	if id then
		return wrk.format("POST", "/api/v1/documents/" .. id .. "/actions/send_to_leader", routing_headers,
			route_body)
	end
	return wrk.format("POST", "/api/v1/documents/incoming", headers, body)
end

function response(status, hdrs, _)
	if status == 201 then
		local id = (hdrs["Location"] or hdrs["location"] or ""):match("/(%d+)$")
		if id then queue[#queue + 1] = id end
	end
end
