-- Authorization + code exchange at one provider host: each connection sends the authorize GET
-- (expects a 302 whose Location carries `code`) and, whenever a code is waiting, the token POST
-- for it (expects 200 with "access_token"); every code is exchanged exactly once. `ok` counts
-- successful exchanges, i.e. authorize + token pairs.
--   wrk -s authcode.lua URL -- AUTHORIZE_PATH TOKEN_PATH CLIENT_ID CLIENT_SECRET REDIRECT_URI SCOPE
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local authorize, token_path, client_id, secret, redirect_uri, scope
local codes = {}
local serial = 0

local function enc(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

function init(args)
  authorize, token_path, client_id, secret, redirect_uri, scope =
    args[1], args[2], args[3], args[4], args[5], args[6]
end

function request()
  local code = table.remove(codes)
  if code then
    return wrk.format("POST", token_path,
      {["Content-Type"] = "application/x-www-form-urlencoded", ["Accept"] = "application/json"},
      "grant_type=authorization_code&code=" .. code .. "&redirect_uri=" .. enc(redirect_uri) ..
      "&client_id=" .. enc(client_id) .. "&client_secret=" .. enc(secret))
  end
  serial = serial + 1
  return wrk.format("GET", authorize .. "?response_type=code&client_id=" .. enc(client_id) ..
    "&redirect_uri=" .. enc(redirect_uri) .. "&scope=" .. enc(scope) ..
    "&state=s" .. serial .. "&nonce=n" .. serial)
end

function response(status, headers, body)
  if status == 302 then
    local code = (header(headers, "location") or ""):match("[?&]code=([^&#]+)")
    if code then table.insert(codes, code) else bad = bad + 1 end
  elseif status == 200 and body:find("access_token", 1, true) then
    ok = ok + 1
  else
    bad = bad + 1
  end
end
