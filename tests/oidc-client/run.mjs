// openid-client (a real, widely used OIDC client library) against the simulator: for every
// profile that speaks OpenID Connect, discovery at the mapped issuer, the authorization code
// flow with PKCE, state and nonce, and openid-client's own id_token validation (signature via
// the JWKS, iss, aud, exp, nonce), then userinfo where the provider has one.
// Usage: node run.mjs SIMULATOR_URL  (the simulator must run with --auto-approve).
// Exit 0 when every profile passes or fails exactly as limitations.json says.
import * as client from 'openid-client';
import { readFileSync } from 'node:fs';

const sim = process.argv[2];
if (!sim) {
  console.error('usage: node run.mjs SIMULATOR_URL');
  process.exit(2);
}
const limitations = JSON.parse(readFileSync(new URL('./limitations.json', import.meta.url)));
const redirectUri = 'http://127.0.0.1:1/oidc-client/callback';

async function json(url, init) {
  const r = await fetch(url, init);
  if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${url} -> ${r.status} ${await r.text()}`);
  return r.json();
}

async function runProfile(p, keys) {
  const d = p.dialect;
  const clientId = `oidc-client-${p.slug}`;
  const secret = `oidc-client-${p.slug}-secret`;
  const registered = await json(`${sim}/_sim/clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ provider: p.slug, client_id: clientId, client_secret: secret,
                           redirect_uris: [redirectUri] }),
  });
  const auth = (d.client_auth ?? [])[0] === 'client_secret_post'
    ? client.ClientSecretPost(secret) : client.ClientSecretBasic(secret);
  const config = await client.discovery(new URL(keys.issuer), clientId, undefined, auth,
                                        { execute: [client.allowInsecureRequests] });
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const scopes = (d.scopes ?? []).includes('openid') ? 'openid' : (d.default_scopes ?? []).join(' ');
  const params = { redirect_uri: redirectUri, state, nonce, ...(d.authorize_extra_params ?? {}) };
  if (scopes) params.scope = scopes;
  // PKCE where the provider documents it (not for not_supported / accept_then_reject).
  const pkce = d.pkce === 'required' || d.pkce === 'supported';
  if (pkce) {
    params.code_challenge = await client.calculatePKCECodeChallenge(verifier);
    params.code_challenge_method = 'S256';
  }
  if (registered.application_id) params.client_id = registered.application_id;
  const url = client.buildAuthorizationUrl(config, params);
  const answer = await fetch(url, { redirect: 'manual' });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) {
    throw new Error(`authorize -> ${answer.status} ${await answer.text()}`);
  }
  const tokens = await client.authorizationCodeGrant(config, new URL(location), {
    pkceCodeVerifier: pkce ? verifier : undefined,
    expectedNonce: nonce,
    expectedState: state,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims?.sub) throw new Error('no id_token claims');
  if (config.serverMetadata().userinfo_endpoint) {
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    if (info.sub !== claims.sub) throw new Error('userinfo sub differs');
  }
  return claims;
}

const { providers } = await json(`${sim}/_sim/providers`);
let failures = 0;
let ran = 0;
for (const p of providers) {
  const probe = await fetch(`${sim}/_sim/providers/${p.slug}/keys`);
  if (probe.status !== 200) continue;  // not an OIDC profile
  ran += 1;
  const keys = await probe.json();
  const known = limitations[p.slug];
  try {
    const claims = await runProfile(p, keys);
    if (known) {
      console.log(`FAIL ${p.slug}: passed, but limitations.json lists it (${known}): remove the entry`);
      failures += 1;
    } else {
      console.log(`ok   ${p.slug}: iss ${claims.iss} sub ${claims.sub}`);
    }
  } catch (e) {
    const why = `${e.name}: ${e.message}${e.cause ? ' (' + (e.cause.message ?? JSON.stringify(e.cause)).slice(0, 200) + ')' : ''}`;
    if (known) {
      console.log(`xfail ${p.slug}: ${known} [${why}]`);
    } else {
      console.log(`FAIL ${p.slug}: ${why}`);
      failures += 1;
    }
  }
}
if (ran === 0) {
  console.log('FAIL: no OIDC profile found');
  failures += 1;
}
console.log(`${ran} OIDC profiles, ${failures} unexpected results`);
process.exit(failures === 0 ? 0 : 1);
