"""The processes of the peer benchmark, all on 127.0.0.1: nginx, the bare Pistache 302 server,
the Linkgate simulator and gateway (release build), Grant + Express and oauth2-mock-server.
Each program is told port 0 (or, for nginx, a free port found just before) and its first stdout
line "listening on http://127.0.0.1:PORT" says where it is."""

import base64
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

NGINX_CONF = """daemon off;
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {dir}/nginx-body;
  proxy_temp_path {dir}/nginx-proxy;
  fastcgi_temp_path {dir}/nginx-fastcgi;
  uwsgi_temp_path {dir}/nginx-uwsgi;
  scgi_temp_path {dir}/nginx-scgi;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{port};
    location = /302 {{
      add_header Set-Cookie "lg_flow_0123456789abcdef=v; Path=/link/oauth2/callback; HttpOnly; SameSite=Lax";
      return 302 "http://127.0.0.1:9/authorize?response_type=code&client_id=bench&state=0123456789abcdef";
    }}
    location = /post {{
      default_type application/json;
      return 200 '{{"ok":true}}';
    }}
  }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None):
    """One request without following redirects: (status, headers, body text)."""
    data = None
    headers = dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect, urllib.request.ProxyHandler({}))
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with opener.open(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


class Stack:
    def __init__(self, bin_dir, work_dir):
        self.bin = bin_dir
        self.dir = work_dir
        self.procs = {}  # name -> Popen
        self.urls = {}   # name -> http://127.0.0.1:PORT

    def _spawn(self, name, argv, env=None, cwd=None):
        log = open(os.path.join(self.dir, name + ".log"), "w")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
                             env={**os.environ, **(env or {})}, start_new_session=True)
        self.procs[name] = p
        return p

    def _wait_listening(self, name, timeout=30):
        path = os.path.join(self.dir, name + ".log")
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(path) as f:
                m = re.search(r"listening on (http://[0-9.]+:[0-9]+)", f.read())
            if m:
                self.urls[name] = m.group(1)
                return m.group(1)
            if self.procs[name].poll() is not None:
                break
            time.sleep(0.05)
        with open(path) as f:
            raise RuntimeError(f"{name} did not start; its log {path}:\n{f.read()[-2000:]}")

    def _wait_http(self, name, url, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                http("GET", url)
                self.urls[name] = url.rsplit("/", 1)[0]
                return
            except OSError:
                if self.procs[name].poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError(f"{name} did not answer at {url}; see {self.dir}/{name}.log")

    def start(self):
        port = free_port()
        with open(os.path.join(self.dir, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(dir=self.dir, port=port))
        self._spawn("nginx", ["nginx", "-p", self.dir, "-c", os.path.join(self.dir, "nginx.conf"),
                              "-e", os.path.join(self.dir, "nginx-error.log")])
        self._spawn("bare302", [os.path.join(self.bin, "bench_bare_302"), "--port", "0"])
        self._spawn("simulator", [os.path.join(self.bin, "simulator"), "--port", "0",
                                  "--profiles", os.path.join(REPO, "fixtures", "providers"),
                                  "--auto-approve"])
        self._spawn("mock", ["node", os.path.join(HERE, "peers", "mock_server.mjs")], cwd=HERE)
        sim = self._wait_listening("simulator")
        self._spawn("grant", ["node", os.path.join(HERE, "peers", "grant_app.js"), sim,
                              "grant-github", "grant-github-secret"], cwd=HERE)
        self.api_key = "bench-" + base64.b16encode(os.urandom(16)).decode().lower()
        self._spawn("gateway", [os.path.join(self.bin, "gateway"), "--port", "0",
                                "--db", os.path.join(self.dir, "gateway.db"),
                                "--provider-base-url", sim],
                    env={"LINKGATE_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
                         "LINKGATE_API_KEY": self.api_key})
        for name in ("bare302", "gateway", "grant", "mock"):
            self._wait_listening(name)
        self._wait_http("nginx", f"http://127.0.0.1:{port}/post")
        self._register()

    def _register(self):
        sim, gw, grant = self.urls["simulator"], self.urls["gateway"], self.urls["grant"]
        clients = [
            ("github", "dev-github", "dev-github-secret", f"{gw}/link/oauth2/callback/github"),
            ("github", "grant-github", "grant-github-secret", f"{grant}/connect/github/callback"),
            ("github", "bench-code", "bench-code-secret", "http://127.0.0.1:9/cb"),
            ("generic", "bench-code", "bench-code-secret", "http://127.0.0.1:9/cb"),
        ]
        for provider, cid, secret, uri in clients:
            status, _, body = http("POST", sim + "/_sim/clients",
                                   {"provider": provider, "client_id": cid,
                                    "client_secret": secret, "redirect_uris": [uri]})
            if status not in (200, 201):
                raise RuntimeError(f"simulator client {provider}/{cid}: {status} {body}")
        # GitHub revokes the oldest of more than ten tokens per user, app and scope set (the
        # profile's token.limit). 32 flows in flight for the one user would see a token revoked
        # before the gateway's account lookup, as they would at GitHub; the benchmark raises
        # the limit to 1000 (so the simulator's memory stays bounded) instead.
        status, _, body = http("POST", sim + "/_sim/providers/github/behaviour",
                               {"tokens_per_user_scope": 1000})
        if status != 200:
            raise RuntimeError(f"simulator github behaviour: {status} {body}")
        auth = {"Authorization": "Bearer " + self.api_key}
        status, _, body = http("POST", gw + "/v1/oauth-apps",
                               {"provider": "github", "name": "bench", "client_id": "dev-github",
                                "client_secret": "dev-github-secret"}, auth)
        if status != 201:
            raise RuntimeError(f"gateway POST /v1/oauth-apps: {status} {body}")
        self.app_id = json.loads(body)["id"]
        self.redirect_uri = "http://127.0.0.1:9/done"
        status, _, body = http("POST", gw + "/v1/redirect-uris", {"url": self.redirect_uri}, auth)
        if status not in (200, 201):
            raise RuntimeError(f"gateway POST /v1/redirect-uris: {status} {body}")

    def start_path(self):
        from urllib.parse import quote
        return (f"/link/oauth2/start?client_id={self.app_id}"
                f"&redirect_uri={quote(self.redirect_uri, safe='')}&state=bench")

    def _group_pids(self, name):
        """The pids of a server's process group (nginx's workers are children of its master)."""
        pids = []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    if os.getpgid(int(pid)) == self.procs[name].pid:
                        pids.append(pid)
                except (OSError, ProcessLookupError):
                    continue
        return pids

    def rss_mb(self):
        """Resident memory of each server process (its whole process group), in MB."""
        out = {}
        for name in self.procs:
            total = 0
            for pid in self._group_pids(name):
                try:
                    with open(f"/proc/{pid}/status") as f:
                        m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
                    total += int(m.group(1)) if m else 0
                except OSError:
                    continue
            out[name] = total / 1024
        return out

    def cpu_seconds(self, names):
        """User + system CPU time used so far by the named servers (all their threads)."""
        ticks = 0
        for name in names:
            for pid in self._group_pids(name):
                try:
                    with open(f"/proc/{pid}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    ticks += int(fields[11]) + int(fields[12])
                except (OSError, IndexError, ValueError):
                    continue
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self):
        for p in self.procs.values():
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.time() + 10
        for p in self.procs.values():
            try:
                p.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
