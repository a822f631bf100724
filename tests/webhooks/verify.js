// Verifies webhook deliveries with the standardwebhooks reference library (npm, pinned in
// package-lock.json) — an implementation independent of the gateway's C++ signer.
// Input (file named by argv[2]): {"secret": "whsec_...", "deliveries": [{"headers": {...},
// "body": "..."}]}. Output (stdout): one JSON array, per delivery {"ok": true, "payload": ...}
// or {"ok": false, "error": "..."}.
"use strict";
const fs = require("fs");
const { Webhook } = require("standardwebhooks");

const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const hook = new Webhook(input.secret);
const out = input.deliveries.map((d) => {
  try {
    return { ok: true, payload: hook.verify(d.body, d.headers) };
  } catch (e) {
    return { ok: false, error: String(e && e.message ? e.message : e) };
  }
});
process.stdout.write(JSON.stringify(out));
