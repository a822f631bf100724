// The plain authorization-code flow through simple-oauth2 and passport-oauth2, each configured as
// its own documentation says for what the provider documents. Reads {library, cases:[...]} as
// JSON on stdin (cases from cases.py), writes {slug: null | "step: what went wrong"} on stdout.
'use strict';

const crypto = require('crypto');
const http = require('http');

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
  });
}

class StepFailed extends Error {}

async function authorize(url, c) {
  const r = await get(url);
  const location = r.headers.location || '';
  if (r.status !== 302 || !location.startsWith(c.redirect_uri)) {
    throw new StepFailed(`authorize: HTTP ${r.status} ${r.body.slice(0, 200)}`);
  }
  const params = Object.fromEntries(new URL(location).searchParams);
  if (params.error) throw new StepFailed(`authorize: ${params.error}: ${params.error_description || ''}`);
  if (!(c.code_param in params)) throw new StepFailed(`authorize: no code in ${location}`);
  return params;
}

function checkApi(r) {
  let body;
  try { body = JSON.parse(r.body); } catch (e) {
    throw new StepFailed(`api/me: HTTP ${r.status} not JSON: ${r.body.slice(0, 200)}`);
  }
  if (r.status !== 200 || (body && (body.ok === false || typeof body.error === 'string'))) {
    throw new StepFailed(`api/me: HTTP ${r.status} ${r.body.slice(0, 200)}`);
  }
}

// The resource call as the provider documents it (neither library has its own for a custom
// header; passport's node-oauth `get` is used for the bearer and query cases).
function apiRequest(c, token) {
  const url = new URL(c.api_me_url);
  if (c.api_token_in === 'bearer') return get(url, { Authorization: `Bearer ${token}` });
  if (c.api_token_in === 'header') return get(url, { [c.api_token_name]: token });
  url.searchParams.set(c.api_token_name, token);
  return get(url);
}

function extraAuthorize(c) {
  const extra = { ...c.extra_authorize_params };
  if (c.client_id_param !== 'client_id') extra[c.client_id_param] = c.authorize_id;
  return extra;
}

function pkcePair() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

async function runSimpleOauth2(c) {
  const { AuthorizationCode } = require('simple-oauth2');
  const token = new URL(c.token_url);
  const auth = new URL(c.authorize_url);
  const refresh = new URL(c.refresh_url);
  const client = new AuthorizationCode({
    client: { id: c.client_id, secret: c.client_secret, idParamName: c.token_client_id_param },
    auth: {
      tokenHost: token.origin,
      tokenPath: token.pathname + token.search,
      refreshPath: refresh.pathname + refresh.search,
      authorizeHost: auth.origin,
      authorizePath: auth.pathname + auth.search,
    },
    options: {
      authorizationMethod: c.client_auth.includes('client_secret_basic') ? 'header' : 'body',
      // JSON only where the provider documents JSON and not form; else the default form.
      bodyFormat: c.encoding.includes('json') && !c.encoding.includes('form') ? 'json' : 'form',
      scopeSeparator: c.scope_separator,
    },
  });
  const state = crypto.randomBytes(8).toString('hex');
  const pkce = c.pkce === 'required' ? pkcePair() : null;
  const params = { redirect_uri: c.redirect_uri, state, ...extraAuthorize(c) };
  if (c.scopes.length) params.scope = c.scopes;
  if (pkce) Object.assign(params, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
  const callback = await authorize(client.authorizeURL(params), c);
  let accessToken;
  try {
    const tokenParams = { ...c.token_extra_params, code: callback[c.code_param], redirect_uri: c.redirect_uri };
    if (pkce) tokenParams.code_verifier = pkce.verifier;
    accessToken = await client.getToken(tokenParams);
  } catch (e) {
    throw new StepFailed(`token: ${e.message} ${e.data && e.data.payload ? JSON.stringify(e.data.payload).slice(0, 200) : ''}`);
  }
  if (!accessToken.token.access_token) {
    throw new StepFailed(`token: no access_token in ${JSON.stringify(accessToken.token).slice(0, 200)}`);
  }
  checkApi(await apiRequest(c, accessToken.token.access_token));
  if (!c.refresh) return null;
  if (!accessToken.token.refresh_token) throw new StepFailed('refresh: no refresh_token in the token answer');
  let renewed;
  try {
    renewed = await accessToken.refresh(c.refresh_extra_params);
  } catch (e) {
    throw new StepFailed(`refresh: ${e.message} ${e.data && e.data.payload ? JSON.stringify(e.data.payload).slice(0, 200) : ''}`);
  }
  checkApi(await apiRequest(c, renewed.token.access_token));
  return null;
}

// passport-oauth2 driven as Express would: authenticate() without a code redirects, with the
// callback query it exchanges the code and calls success(); the session is a plain object.
function passportStep(strategy, req, options) {
  return new Promise((resolve, reject) => {
    strategy.redirect = (url) => resolve({ redirect: url });
    strategy.success = (user, info) => resolve({ user, info });
    strategy.fail = (challenge, status) => reject(new StepFailed(`fail ${status || ''} ${JSON.stringify(challenge)}`));
    strategy.error = (err) => reject(err);
    strategy.authenticate(req, options);
  });
}

function oauthError(e) {
  const data = e && e.oauthError && e.oauthError.data;
  return `${e.message}${data ? ' ' + String(data).slice(0, 200) : ''}`;
}

async function runPassportOauth2(c) {
  const OAuth2Strategy = require('passport-oauth2');
  // node-oauth always sends client_id / client_secret in the body; a Basic header on top
  // (customHeaders) only where the provider takes no body credentials, as the provider-specific
  // strategies do (passport-fitbit-oauth2 adds it; passport-docusign does not).
  const bodyAccepted = c.client_auth.includes('client_secret_post') ||
    c.client_auth_tolerated.includes('client_secret_post');
  const basicOnly = !bodyAccepted && c.client_auth.includes('client_secret_basic');
  const customHeaders = basicOnly ? {
    Authorization: 'Basic ' + Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64'),
  } : undefined;
  const strategy = new OAuth2Strategy({
    authorizationURL: c.authorize_url,
    tokenURL: c.token_url,
    clientID: c.client_id,
    clientSecret: c.client_secret,
    callbackURL: c.redirect_uri,
    scope: c.scopes.length ? c.scopes : undefined,
    scopeSeparator: c.scope_separator,
    state: true,
    pkce: c.pkce === 'required',
    customHeaders,
  }, (accessToken, refreshToken, params, profile, done) => done(null, { accessToken, refreshToken, params }));
  strategy.authorizationParams = () => extraAuthorize(c);
  strategy.tokenParams = () => ({ ...c.token_extra_params });
  const session = {};
  const first = await passportStep(strategy, { query: {}, session }, {});
  const callback = await authorize(first.redirect, c);
  let result;
  try {
    result = await passportStep(strategy, { query: callback, session }, {});
  } catch (e) {
    throw new StepFailed(`token: ${oauthError(e)}`);
  }
  if (!result.user) throw new StepFailed(`token: no user from the verify callback ${JSON.stringify(result.info || {})}`);
  const { accessToken, refreshToken } = result.user;
  checkApi(await apiRequest(c, accessToken));
  if (!c.refresh) return null;
  if (!refreshToken) throw new StepFailed('refresh: no refresh_token in the token answer');
  // What passport-oauth2-refresh does: the strategy's own OAuth2 client, grant refresh_token.
  const oauth2 = strategy._oauth2;
  if (c.refresh_url !== c.token_url) oauth2._accessTokenUrl = c.refresh_url;
  const renewed = await new Promise((resolve, reject) => {
    oauth2.getOAuthAccessToken(refreshToken, { ...c.refresh_extra_params, grant_type: 'refresh_token' }, (err, at) => {
      if (err) reject(new StepFailed(`refresh: ${oauthError(err)} ${err.statusCode || ''} ${String(err.data || '').slice(0, 200)}`));
      else resolve(at);
    });
  });
  if (!renewed) throw new StepFailed('refresh: no access_token in the refresh answer');
  checkApi(await apiRequest(c, renewed));
  return null;
}

const RUNNERS = { 'simple-oauth2': runSimpleOauth2, 'passport-oauth2': runPassportOauth2 };

async function main() {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const { library, cases } = JSON.parse(input);
  const out = {};
  for (const c of cases) {
    try {
      out[c.slug] = await RUNNERS[library](c);
    } catch (e) {
      out[c.slug] = e instanceof StepFailed ? e.message : `crash: ${e && e.message}`;
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => { process.stderr.write(String(e && e.stack)); process.exit(2); });
