"""The benchmark's Markdown: the results table (medians over the rounds), the ratios (each
computed within one round from two scenarios run side by side, then the median and range over
the rounds), the machine it ran on, and the block of docs/BENCHMARKS.md it replaces."""

import json
import os
import platform
import re
import statistics
import subprocess

import stack as stackmod

BEGIN, END = "<!-- bench:latest:begin -->", "<!-- bench:latest:end -->"
_notes = []


def note(text):
    if text not in _notes and len(_notes) < 10:
        _notes.append(text)


_cpu = []


def driver_cpu(cpu_seconds, seconds):
    _cpu.append(cpu_seconds / seconds)


def _run(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _deb(pkg):
    return _run(["dpkg-query", "-W", "-f=${Version}", pkg]) or "?"


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        m = re.search(r"model name\s*:\s*(.*)", f.read())
        cpu = m.group(1).strip() if m else cpu
    lock = os.path.join(stackmod.HERE, "package-lock.json")
    npm = {}
    with open(lock) as f:
        packages = json.load(f).get("packages", {})
    for name in ("grant", "express", "express-session", "oauth2-mock-server"):
        npm[name] = packages.get(f"node_modules/{name}", {}).get("version", "?")
    commit = _run(["git", "-C", stackmod.REPO, "rev-parse", "--short", "HEAD"]) or "?"
    dirty = _run(["git", "-C", stackmod.REPO, "status", "--porcelain", "--untracked-files=no",
                  "--", ".", ":!docs"])
    return [
        ("Linkgate commit", commit + (" (+ uncommitted changes)" if dirty else "")),
        ("cores (nproc)", str(os.cpu_count())),
        ("CPU", cpu),
        ("kernel", platform.release()),
        ("memory", _run(["sh", "-c", "free -g | awk '/Mem:/ {print $2 \" GiB\"}'"])),
        ("Debian", _run(["cat", "/etc/debian_version"])),
        ("compiler", _run(["sh", "-c", "c++ --version | head -1"])),
        ("Debian packages", ", ".join(f"{p} {_deb(p)}" for p in
                                      ("nginx", "wrk", "nodejs", "libpistache-dev",
                                       "libcurl4-openssl-dev", "libsqlite3-dev", "libssl-dev"))),
        ("npm packages (package-lock.json)", ", ".join(f"{k} {v}" for k, v in npm.items())),
    ]


def _ms(v):
    return f"{v:.2f}" if v < 10 else f"{v:.1f}"


def _errors(rs):
    n = sum(r["errors"] for r in rs)
    t = sum(r.get("timeouts", 0) for r in rs)
    return f"{n} ({t} timeouts)" if t else str(n)


def render(args, scen, results, ratios, rss, started, load):
    lines = []
    cmd = args.command
    lines.append(f"Run {started.strftime('%Y-%m-%d %H:%M UTC')}: `{cmd}` — {args.rounds} "
                 f"interleaved round(s) of {args.duration:g} s per scenario; wrk -t{args.threads} "
                 f"-c{args.connections}; flow driver with {args.flow_concurrency} flows in flight.")
    lines.append("")
    # wrk's threads and a server's busy threads alone give a load of about 4 on this box
    lines.append(f"1-minute load average during the run: {min(load):.1f}–{max(load):.1f}" + (
        " — **other work was running: the numbers, and ratios between servers limited by "
        "different things (CPU, locks, disk), are not representative**" if max(load) > 6 else "") + ".")
    lines.append("")
    lines.append("| scenario | unit | rate (median) | range over rounds | p50 ms | p99 ms | errors "
                 "| server CPU ms per op |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
    med = {}
    for key, label, unit, _ in scen:
        rs = results[key]
        rates = [r["per_second"] for r in rs]
        med[key] = statistics.median(rates)
        lines.append(
            f"| {label} | {unit} | {med[key]:,.0f} | {min(rates):,.0f}–{max(rates):,.0f} | "
            f"{_ms(statistics.median(r['p50_ms'] for r in rs))} | "
            f"{_ms(statistics.median(r['p99_ms'] for r in rs))} | "
            f"{_errors(rs)} | {statistics.median(r['cpu_ms'] for r in rs):.3f} |")
    lines.append("")
    lines.append("| ratio (per round, side by side) | median | range | target | met |")
    lines.append("|---|---:|---:|---:|---|")
    for label, num, den, target, target_text in ratios:
        if num not in results or den not in results:
            continue
        per_round = [a["per_second"] / b["per_second"] if b["per_second"] else 0.0
                     for a, b in zip(results[num], results[den])]
        m = statistics.median(per_round)
        met = "—" if target is None else ("yes" if m >= target else "**no**")
        lines.append(f"| {label} | {m:.2f}× | {min(per_round):.2f}–{max(per_round):.2f} | "
                     f"{target_text} | {met} |")
    if "start" in results:
        p99 = statistics.median(r["p99_ms"] for r in results["start"])
        lines.append(f"| Linkgate /start p99 at {args.connections} connections | {p99:.2f} ms | | "
                     f"< 5 ms | {'yes' if p99 < 5 else '**no**'} |")
    lines.append("")
    lines.append("Resident memory at the end of the run (MB): " + ", ".join(
        f"{name} {mb:.0f}" for name, mb in rss.items()) + ".")
    if _cpu:
        lines.append(f"The flow driver used at most {100 * max(_cpu):.0f} % of one core.")
    if _notes:
        lines.append("")
        lines.append("Notes from the run: " + "; ".join(_notes))
    lines.append("")
    lines.append("| machine | |")
    lines.append("|---|---|")
    for k, v in machine():
        lines.append(f"| {k} | {v} |")
    return "\n".join(lines)


def update_doc(path, text):
    with open(path) as f:
        doc = f.read()
    if BEGIN not in doc or END not in doc:
        raise RuntimeError(f"{path} has no {BEGIN} … {END} block")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w") as f:
        f.write(head + BEGIN + "\n" + text + "\n" + END + tail)
