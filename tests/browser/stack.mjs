// The stack the browser tests drive: the real simulator (its consent page, no auto-approve),
// the real gateway and the example integrator app, each on port 0, in a scratch directory.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PROVIDERS = ['generic', 'zendesk', 'shopify', 'google'];
const API_KEY = 'browser-test-' + randomBytes(8).toString('hex');

// Starts a program and resolves with the URL of its "listening on URL" line.
function startProgram(name, file, args, env, logDir) {
  const log = fs.createWriteStream(path.join(logDir, `${name}.log`));
  const child = spawn(file, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.pipe(log);
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${name}: no listening line in 20 s`)), 20000);
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}) before listening`)));
    child.stdout.on('data', (chunk) => {
      log.write(chunk);
      seen += chunk.toString();
      const m = seen.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, url: m[1] });
      }
    });
  });
}

async function call(method, url, body, key) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (key) headers.Authorization = `Bearer ${key}`;
  const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${url} -> ${r.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

export async function startStack() {
  const bin = process.env.LINKGATE_BIN_DIR;
  const src = process.env.LINKGATE_SOURCE_DIR;
  if (!bin || !src) throw new Error('LINKGATE_BIN_DIR and LINKGATE_SOURCE_DIR must be set (ctest sets them)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linkgate-browser-'));
  const children = [];
  const stack = { dir, apiKey: API_KEY, apps: {}, children };
  try {
    const sim = await startProgram('simulator', path.join(bin, 'simulator'),
      ['--port', '0', '--profiles', path.join(src, 'fixtures/providers')], {}, dir);
    children.push(sim.child);
    stack.sim = sim.url;
    const gw = await startProgram('gateway', path.join(bin, 'gateway'),
      ['--port', '0', '--db', path.join(dir, 'gateway.db'), '--provider-base-url', sim.url],
      { LINKGATE_MASTER_KEY: randomBytes(32).toString('base64'), LINKGATE_API_KEY: API_KEY }, dir);
    children.push(gw.child);
    stack.gw = gw.url;
    for (const slug of PROVIDERS) {
      const client = { client_id: `dev-${slug}`, client_secret: `dev-${slug}-secret` };
      await call('POST', `${sim.url}/_sim/clients`,
        { provider: slug, ...client, redirect_uris: [`${gw.url}/link/oauth2/callback/${slug}`] });
      stack.apps[slug] = (await call('POST', `${gw.url}/v1/oauth-apps`, { provider: slug, ...client }, API_KEY)).id;
    }
    // RFC 8252 §7.3: a loopback redirect URI matches any port, so the app's port 0 is fine.
    await call('POST', `${gw.url}/v1/redirect-uris`, { url: 'http://127.0.0.1/callback/:provider' }, API_KEY);
    const app = await startProgram('integrator-example', path.join(bin, 'integrator-example'),
      ['--port', '0', '--gateway', gw.url, '--simulator', sim.url], { LINKGATE_API_KEY: API_KEY }, dir);
    children.push(app.child);
    stack.app = app.url;
  } catch (e) {
    stopStack(stack);
    throw e;
  }
  stack.fault = (fault) => call('POST', `${stack.sim}/_sim/faults`, fault);
  return stack;
}

export function stopStack(stack) {
  for (const child of stack.children) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
}
