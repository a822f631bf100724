#!/usr/bin/env python3
"""Real OAuth2 client libraries against every simulator profile (ctest label `clients`).

usage: run.py --simulator BIN --profiles DIR --library NAME [--expected FILE] [--strict-docs]
              [--only SLUG,...] [--report]

Starts the simulator on port 0 (--auto-approve), registers one client per profile and runs the
plain flow (authorize -> code -> token -> api/me -> refresh) through the library. Every
profile must pass except the library limitations listed in FILE (expected_failures.json:
{library: {slug: reason}}); an unexpected pass fails the run as well, so the list stays true.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from cases import make_case  # noqa: E402
from sim import Simulator  # noqa: E402

PYTHON_LIBRARIES = ("authlib", "requests-oauthlib")
NODE_LIBRARIES = ("simple-oauth2", "passport-oauth2")


def run_cases(library, cases):
    if library in PYTHON_LIBRARIES:
        import py_clients
        return {c["slug"]: py_clients.run(library, c) for c in cases}
    if not os.path.isdir(os.path.join(HERE, "node_modules")):
        raise SystemExit(f"{library}: tests/clients/node_modules is missing; run ci/install-deps "
                         "(npm ci --prefix tests/clients)")
    out = subprocess.run(["node", os.path.join(HERE, "node_clients.js")],
                         input=json.dumps({"library": library, "cases": cases}),
                         capture_output=True, text=True, timeout=600, cwd=HERE)
    if out.returncode != 0:
        raise SystemExit(f"{library}: node runner failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--simulator", required=True)
    ap.add_argument("--profiles", required=True)
    ap.add_argument("--library", required=True, choices=PYTHON_LIBRARIES + NODE_LIBRARIES)
    ap.add_argument("--expected", default=os.path.join(HERE, "expected_failures.json"))
    ap.add_argument("--strict-docs", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--report", action="store_true", help="print every result, never fail")
    args = ap.parse_args()

    with open(args.expected, encoding="utf-8") as f:
        expected = json.load(f).get(args.library, {})
    sim = Simulator(args.simulator, args.profiles, strict_docs=args.strict_docs)
    try:
        providers = sim.providers()
        only = set(filter(None, args.only.split(",")))
        cases = [make_case(p, sim.register(p["slug"])) for p in providers
                 if not only or p["slug"] in only]
        results = run_cases(args.library, cases)
    finally:
        sim.stop()

    passed = [s for s, r in results.items() if r is None]
    unexpected_fail = {s: r for s, r in results.items() if r is not None and s not in expected}
    unexpected_pass = [s for s in passed if s in expected]
    listed_failures = {s: r for s, r in results.items() if r is not None and s in expected}
    print(f"{args.library}: {len(passed)}/{len(results)} profiles pass"
          f" ({len(listed_failures)} listed limitations)")
    if args.report:
        for slug in sorted(results):
            print(f"  {slug}: {'ok' if results[slug] is None else results[slug]}")
        return 0
    for slug, reason in sorted(unexpected_fail.items()):
        print(f"FAIL {args.library} x {slug}: {reason}")
    for slug in unexpected_pass:
        print(f"UNEXPECTED PASS {args.library} x {slug}: listed as a limitation "
              f"({expected[slug]}); remove it from expected_failures.json")
    stale = [s for s in expected if s not in results and not only]
    for slug in stale:
        print(f"STALE {args.library} x {slug}: no such profile")
    return 1 if unexpected_fail or unexpected_pass or stale else 0


if __name__ == "__main__":
    sys.exit(main())
