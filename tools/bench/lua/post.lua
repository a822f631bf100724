-- POST a small form body to the URL's path; anything but 200 is an error.
--   wrk -s post.lua URL
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=authorization_code&code=0123456789abcdef&client_id=bench"

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end
