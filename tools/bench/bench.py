#!/usr/bin/env python3
"""The peer benchmark (tools/bench/run calls this after building): starts the stack of stack.py,
checks every scenario once, then runs them in interleaved rounds (A,B,C,...,A,B,C,...) and
prints one Markdown table with req/s, p50, p99, errors and the ratios of issue 10.
Single hops and provider authorize+token: wrk (Debian) with the Lua scripts in lua/; whole
flows: bench_flow_driver (libcurl multi, one cookie jar per flow) for Linkgate and Grant alike."""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile

import report
import stack as stackmod

HERE = stackmod.HERE
LUA = os.path.join(HERE, "lua")


def wrk(args, url, script, script_args, duration):
    argv = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s",
            "--timeout", "5s", "-s", os.path.join(LUA, script), url]
    if script_args:
        argv += ["--"] + script_args
    out = subprocess.run(argv, capture_output=True, text=True, env={**os.environ,
                         "BENCH_LUA_DIR": LUA}, timeout=duration + 60)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            r = json.loads(line[len("BENCH_JSON "):])
            return r
    raise RuntimeError(f"wrk printed no summary: {out.stdout[-1500:]} {out.stderr[-1500:]}")


def scenarios(st, args):
    """(key, label, unit, run(duration) -> {per_second, p50_ms, p99_ms, errors, count})."""
    u = st.urls
    sim = u["simulator"]

    def single(url, script, script_args=None):
        def run(d):
            r = wrk(args, url, script, script_args, d)
            return {"per_second": r["per_second"], "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"],
                    "errors": r["errors"], "timeouts": r["timeouts"], "count": r["ok"]}
        return run

    def pairs(base, authorize, token, scope):
        def run(d):
            r = wrk(args, base, "authcode.lua",
                    [authorize, token, "bench-code", "bench-code-secret", "http://127.0.0.1:9/cb",
                     scope], d)
            return {"per_second": r["ok"] / r["seconds"], "p50_ms": r["p50_ms"],
                    "p99_ms": r["p99_ms"], "errors": r["errors"], "timeouts": r["timeouts"],
                    "count": r["ok"]}
        return run

    def flows(extra):
        def run(d):
            argv = [os.path.join(args.bin, "bench_flow_driver"), "--concurrency",
                    str(args.flow_concurrency), "--duration", str(d), "--warmup", "0"] + extra
            out = subprocess.run(argv, capture_output=True, text=True, timeout=d + 60)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            report.driver_cpu(r["cpu_seconds"], d)
            if r["failed"] and r["first_error"]:
                report.note(f"flow driver: {r['failed']} failed, first: {r['first_error']}")
            return {"per_second": r["per_second"], "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"],
                    "errors": r["failed"], "count": r["flows"]}
        return run

    gw = u["gateway"]
    return [
        ("nginx302", "nginx `return 302` (ceiling)", "req/s", single(u["nginx"] + "/302", "get.lua", ["302"])),
        ("nginxpost", "nginx static POST 200 (ceiling)", "req/s", single(u["nginx"] + "/post", "post.lua")),
        ("bare302", "bare Pistache 302 (web::Server, 2 threads)", "req/s", single(u["bare302"] + "/", "get.lua", ["302"])),
        ("start", "Linkgate `GET /link/oauth2/start`", "req/s", single(gw + st.start_path(), "get.lua", ["302"])),
        ("grantstart", "Grant + Express `GET /connect/github`", "req/s", single(u["grant"] + "/connect/github", "get.lua", ["302"])),
        ("simcode", "simulator authorize + token (github, opaque token)", "pairs/s",
         pairs(sim, "/github/github.com/login/oauth/authorize", "/github/github.com/login/oauth/access_token", "read:user")),
        ("simoidc", "simulator authorize + token (generic, openid: RS256 id_token)", "pairs/s",
         pairs(sim, "/generic/generic.example/oauth/authorize", "/generic/generic.example/oauth/token", "openid")),
        ("mockcode", "oauth2-mock-server authorize + token (RS256 JWTs)", "pairs/s",
         pairs(u["mock"], "/authorize", "/token", "openid")),
        ("lgflow", "full flow, Linkgate (start → sim → callback → POST /link/oauth2/token)", "flows/s",
         flows(["--start", gw + st.start_path(), "--final", st.redirect_uri,
                "--token-url", gw + "/link/oauth2/token", "--client-id", st.app_id,
                "--client-secret", "dev-github-secret"])),
        ("grantflow", "full flow, Grant + Express (connect → sim → callback → /done)", "flows/s",
         flows(["--start", u["grant"] + "/connect/github"])),
    ]


# The servers whose CPU time a scenario's "server CPU per op" column adds up.
SERVERS = {"nginx302": ["nginx"], "nginxpost": ["nginx"], "bare302": ["bare302"],
           "start": ["gateway"], "grantstart": ["grant"], "simcode": ["simulator"],
           "simoidc": ["simulator"], "mockcode": ["mock"], "lgflow": ["gateway", "simulator"],
           "grantflow": ["grant", "simulator"]}

RATIOS = [  # (label, numerator, denominator, target, what the target means)
    ("Linkgate /start ÷ bare Pistache 302", "start", "bare302", 0.5, "≥ 0.5"),
    ("Linkgate /start ÷ Grant /connect", "start", "grantstart", 8.0, "≥ 8"),
    ("simulator ÷ oauth2-mock-server, authorize+token (github)", "simcode", "mockcode", 25.0, "≥ 25"),
    ("simulator ÷ oauth2-mock-server, authorize+token (OIDC id_token)", "simoidc", "mockcode", 25.0, "≥ 25"),
    ("full flows Linkgate ÷ Grant + Express", "lgflow", "grantflow", 3.0, "≥ 3"),
    ("Linkgate /start ÷ nginx 302", "start", "nginx302", None, "(context)"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=8, help="seconds per scenario per round")
    ap.add_argument("--warmup", type=int, default=1, help="seconds per scenario before round 1")
    ap.add_argument("--quick", action="store_true", help="1 round of 2 s (about 30 s in all)")
    ap.add_argument("--connections", type=int, default=64, help="wrk -c")
    ap.add_argument("--threads", type=int, default=2, help="wrk -t")
    ap.add_argument("--flow-concurrency", type=int, default=32, help="flows in flight")
    ap.add_argument("--only", default="", help="comma-separated scenario keys")
    ap.add_argument("--bin", default=os.path.join(stackmod.REPO, "build-release", "bin"))
    ap.add_argument("--update-doc", action="store_true",
                    help="replace the latest-run block of docs/BENCHMARKS.md")
    ap.add_argument("--command", default="bash tools/bench/run", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.duration < 1 or args.warmup < 0 or args.rounds < 1:
        sys.exit("bench: --duration and --rounds must be >= 1, --warmup >= 0 (whole seconds: wrk)")
    if args.quick:
        args.rounds, args.duration, args.warmup = 1, 2, 1
    for tool in ("wrk", "nginx", "node"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} not found; run bash tools/bench/install")

    work = tempfile.mkdtemp(prefix="linkgate-bench-")
    st = stackmod.Stack(args.bin, work)
    ok = False
    try:
        st.start()
        scen = scenarios(st, args)
        if args.only:
            keep = set(args.only.split(","))
            scen = [s for s in scen if s[0] in keep]
        results = {key: [] for key, *_ in scen}
        print(f"bench: stack up in {work}; checking each scenario", file=sys.stderr)
        for key, label, _, run in scen:  # warm-up, and a broken scenario stops the run here
            for seconds in (max(args.warmup, 1), 3, 5):  # first uses may be slow (key generation)
                r = run(seconds)
                if r["count"] > 0:
                    break
            else:
                raise RuntimeError(f"scenario {key} ({label}) does not work: {r}; logs in {work}")
        started = datetime.datetime.now(datetime.timezone.utc)
        load = [os.getloadavg()[0]]
        for rnd in range(args.rounds):
            for key, label, _, run in scen:
                cpu0 = st.cpu_seconds(SERVERS[key])
                r = run(args.duration)
                r["cpu_ms"] = (st.cpu_seconds(SERVERS[key]) - cpu0) * 1000 / max(r["count"], 1)
                results[key].append(r)
                print(f"bench: round {rnd + 1}/{args.rounds} {key}: {r['per_second']:.0f}/s "
                      f"p99 {r['p99_ms']:.2f} ms, {r['errors']} errors", file=sys.stderr)
                load.append(os.getloadavg()[0])
        rss = st.rss_mb()
        text = report.render(args, scen, results, RATIOS, rss, started, load)
        print(text)
        if args.update_doc:
            report.update_doc(os.path.join(stackmod.REPO, "docs", "BENCHMARKS.md"), text)
        ok = True
    finally:
        st.stop()
        if ok:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"bench: failed; logs kept in {work}", file=sys.stderr)


if __name__ == "__main__":
    main()
