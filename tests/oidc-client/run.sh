#!/usr/bin/env bash
# ctest simulator_openid_client: starts the simulator (port 0, --auto-approve), runs run.mjs
# (openid-client against every OIDC profile) and stops the simulator.
# Usage: run.sh SIMULATOR_BINARY PROFILES_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -d "$here/node_modules/openid-client" ]; then
  echo "tests/oidc-client: node_modules missing; run ci/install-deps (npm ci)" >&2
  exit 1
fi
coproc SIM { exec "$1" --port 0 --auto-approve --profiles "$2"; }
sim_pid=$SIM_PID
trap 'kill "$sim_pid" 2>/dev/null || true' EXIT
read -r line <&"${SIM[0]}"  # "listening on http://127.0.0.1:PORT"
url="${line#listening on }"
node "$here/run.mjs" "$url"
