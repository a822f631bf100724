-- GET the URL's path; an answer with another status than the first argument (default 302) is
-- counted as an error.   wrk -s get.lua URL -- 302
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local expect = 302

function init(args)
  expect = tonumber(args[1] or "302")
end

function response(status, headers, body)
  if status == expect then ok = ok + 1 else bad = bad + 1 end
end
