"""The simulator as the client-library tests see it: started on port 0, a client registered per
profile, the provider summary read from GET /_sim/providers (simulator/README.md)."""
import json
import subprocess
import urllib.request

# A realistic client secret: Microsoft secrets carry '~', base64-style secrets '+', '/' and '='.
# Raw and form-encoded HTTP Basic credentials differ for it (RFC 6749 §2.3.1).
CLIENT_SECRET = "Q8~xv+Tr/9k=Ab_c.d-e"
REDIRECT_BASE = "http://127.0.0.1:9/cb/"  # never contacted: the redirect is read, not followed


class Simulator:
    def __init__(self, binary, profiles, strict_docs=False):
        args = [binary, "--port", "0", "--profiles", profiles, "--auto-approve"]
        if strict_docs:
            args.append("--strict-docs")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError("simulator did not start: " + line + self.proc.stderr.read())
        self.base = line[len("listening on "):]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read().decode())

    def providers(self):
        return self.call("GET", "/_sim/providers")["providers"]

    def register(self, slug):
        """One client per provider; returns (client_id, secret, redirect_uri, authorize id)."""
        client_id = "lib-" + slug
        redirect_uri = REDIRECT_BASE + slug
        answer = self.call("POST", "/_sim/clients", {
            "provider": slug, "client_id": client_id, "client_secret": CLIENT_SECRET,
            "redirect_uris": [redirect_uri]})
        return client_id, CLIENT_SECRET, redirect_uri, answer.get("application_id", client_id)

    def journal_tail(self, slug, since):
        entries = self.call("GET", f"/_sim/journal?provider={slug}&since={since}")["entries"]
        return entries

    def last_seq(self):
        entries = self.call("GET", "/_sim/journal")["entries"]
        return entries[-1]["seq"] if entries else 0
