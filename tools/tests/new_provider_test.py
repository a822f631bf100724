#!/usr/bin/env python3
"""tools/new-provider: every scaffold loads in the strict simulator and the strict gateway, and bad
usage changes nothing.  usage: new_provider_test.py SOURCE_DIR BIN_DIR"""
import json
import os
import subprocess
import sys
import tempfile

SRC, BIN = sys.argv[1], sys.argv[2]
TOOL = os.path.join(SRC, "tools/new-provider")
BASE = ["--authorize", "https://acme.example/oauth/authorize",
        "--token", "https://acme.example/oauth/token", "--source", "https://acme.example/docs"]
VARIANTS = {
    "acme-basic": ["--client-auth", "basic", "--raw-basic-ok", "--scope-separator", "comma",
                   "--scopes", "read,write", "--rotation", "strict", "--pkce", "required",
                   "--encoding", "form", "--refresh", "always"],
    "acme-defaults": [],
    "acme-noscope": ["--client-auth", "post,basic", "--encoding", "json", "--scope-separator",
                     "none", "--refresh", "never"],
}
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL", what)


def scaffold(root, slug, extra):
    return subprocess.run([sys.executable, TOOL, slug, "--name", slug.title(), "--root", root]
                          + BASE + extra, capture_output=True, text=True)


def gateway_loads(root, expected):
    """Starts the gateway on port 0 with only the scaffolded catalogue; True once it says it
    serves `expected` providers."""
    proc = subprocess.Popen([os.path.join(BIN, "gateway"), "--dev", "--port", "0",
                             "--db", os.path.join(root, "gw.db"),
                             "--catalogue", os.path.join(root, "gateway/catalogue")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    try:
        for line in proc.stdout:
            seen.append(line)
            if "public URL" in line or len(seen) > 20:
                break
    finally:
        proc.kill()
        proc.wait()
    print("".join(seen), end="")
    return any(f", {expected} providers" in line for line in seen)


with tempfile.TemporaryDirectory() as root:
    for sub in ("fixtures/providers", "gateway/catalogue"):
        os.makedirs(os.path.join(root, sub))
    for slug, extra in VARIANTS.items():
        r = scaffold(root, slug, extra)
        check(r.returncode == 0, f"{slug}: scaffold exit {r.returncode}: {r.stderr}")
    profile = json.load(open(os.path.join(root, "fixtures/providers/acme-defaults.json")))
    check("token.client_auth" in profile["assumed"] and "refresh.rotation" in profile["assumed"],
          "facts not given are listed as assumed")
    basic = json.load(open(os.path.join(root, "gateway/catalogue/acme-basic.json")))
    check(basic["token"]["client_auth"] == ["client_secret_basic"]
          and basic["refresh"]["rotation"] == "strict" and "assumed" not in basic,
          "given facts land in the catalogue and are not marked assumed")
    rec = subprocess.run([os.path.join(BIN, "simulator"), "--recipes", "--profiles",
                          os.path.join(root, "fixtures/providers")], capture_output=True, text=True)
    check(rec.returncode == 0, f"simulator refuses the scaffolded profiles: {rec.stderr}")
    for slug in VARIANTS:
        check(slug in rec.stdout, f"{slug}: no recipe")
    check(gateway_loads(root, len(VARIANTS)), "gateway refuses the scaffolded catalogue")

    before = open(os.path.join(root, "gateway/catalogue/acme-basic.json")).read()
    bad = {"exists": ("acme-basic", []), "bad slug": ("Acme_1", []),
           "raw basic without basic": ("acme-x", ["--raw-basic-ok"]),
           "bad auth": ("acme-y", ["--client-auth", "mtls"])}
    for what, (slug, extra) in bad.items():
        r = scaffold(root, slug, extra)
        check(r.returncode == 2 and r.stderr.strip(), f"{what}: exit {r.returncode}, {r.stderr!r}")
    check(open(os.path.join(root, "gateway/catalogue/acme-basic.json")).read() == before,
          "a refused scaffold changed an existing file")
    check(sorted(os.listdir(os.path.join(root, "gateway/catalogue")))
          == sorted(s + ".json" for s in VARIANTS), "a refused scaffold wrote a file")

print("new-provider:", "FAILED " + "; ".join(failures) if failures else "all checks passed")
sys.exit(1 if failures else 0)
