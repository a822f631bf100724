"""The plain authorization-code flow (authorize -> code -> token -> api/me -> refresh) through
authlib and requests-oauthlib, each configured as its own documentation says for what the
provider documents. Each runner returns None on success or "step: what went wrong"."""
import os
import secrets

import requests
from requests.auth import HTTPBasicAuth

from cases import callback_params

# requests-oauthlib's documented switches for a plain-http test server and for providers that
# grant other scopes than asked (oauthlib raises otherwise).
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
os.environ["OAUTHLIB_RELAX_TOKEN_SCOPE"] = "1"


class StepFailed(Exception):
    pass


def authorize(url, case):
    r = requests.get(url, allow_redirects=False, timeout=10)
    location = r.headers.get("Location", "")
    if r.status_code != 302 or not location.startswith(case["redirect_uri"]):
        raise StepFailed(f"authorize: HTTP {r.status_code} {r.text[:200]}")
    params = callback_params(location)
    if "error" in params:
        raise StepFailed(f"authorize: {params['error']}: {params.get('error_description', '')}")
    if case["code_param"] not in params:
        raise StepFailed("authorize: no code in " + location)
    return location, params


def check_api(r):
    try:
        body = r.json()
    except ValueError:
        raise StepFailed(f"api/me: HTTP {r.status_code} not JSON: {r.text[:200]}")
    failed = isinstance(body, dict) and (body.get("ok") is False or isinstance(body.get("error"), str))
    if r.status_code != 200 or failed:
        raise StepFailed(f"api/me: HTTP {r.status_code} {r.text[:200]}")


def api_request(case, token, session=None):
    """The resource call; bearer through the library session, other placements by hand."""
    where, name = case["api_token_in"], case["api_token_name"]
    if where == "bearer" and session is not None:
        return session.get(case["api_me_url"], timeout=10)
    if where == "bearer":
        return requests.get(case["api_me_url"], headers={"Authorization": "Bearer " + token}, timeout=10)
    if where == "header":
        return requests.get(case["api_me_url"], headers={name: token}, timeout=10)
    return requests.get(case["api_me_url"], params={name: token}, timeout=10)


def extra_authorize(case):
    extra = dict(case["extra_authorize_params"])
    if case["client_id_param"] != "client_id":
        extra[case["client_id_param"]] = case["authorize_id"]
    return extra


def run_authlib(case):
    from authlib.integrations.requests_client import OAuth2Session
    auth = case["client_auth"]
    method = "client_secret_basic" if "client_secret_basic" in auth else (
        "client_secret_post" if "client_secret_post" in auth else "none")
    token_method = "POST" if "POST" in case["methods"] else "GET"
    pkce = case["pkce"] == "required"
    s = OAuth2Session(case["client_id"], case["client_secret"],
                      scope=case["scope_separator"].join(case["scopes"]) or None,
                      redirect_uri=case["redirect_uri"], token_endpoint_auth_method=method,
                      code_challenge_method="S256" if pkce else None)
    verifier = secrets.token_urlsafe(48) if pkce else None
    url, state = s.create_authorization_url(case["authorize_url"], code_verifier=verifier,
                                            **extra_authorize(case))
    location, params = authorize(url, case)
    kwargs = dict(case["token_extra_params"])
    if method == "none":  # client_secret_query: the documented way is the secret as a parameter
        kwargs["client_secret"] = case["client_secret"]
    if pkce:
        kwargs["code_verifier"] = verifier
    try:
        if case["code_param"] == "code":
            token = s.fetch_token(case["token_url"], authorization_response=location,
                                  method=token_method, **kwargs)
        else:
            token = s.fetch_token(case["token_url"], code=params[case["code_param"]],
                                  state=state, method=token_method, **kwargs)
    except Exception as e:  # authlib raises OAuthError / ValueError on a refused exchange
        raise StepFailed(f"token: {type(e).__name__}: {e}")
    if "access_token" not in token:
        raise StepFailed(f"token: no access_token in {dict(token)}")
    check_api(api_request(case, token["access_token"], s if case["api_token_in"] == "bearer" else None))
    if not case["refresh"]:
        return None
    if not token.get("refresh_token"):
        raise StepFailed("refresh: no refresh_token in the token answer")
    try:
        refresh_kwargs = dict(case["refresh_extra_params"])
        if method == "none":
            refresh_kwargs["client_secret"] = case["client_secret"]
        new = s.refresh_token(case["refresh_url"], refresh_token=token["refresh_token"],
                              **refresh_kwargs)
    except Exception as e:
        raise StepFailed(f"refresh: {type(e).__name__}: {e}")
    check_api(api_request(case, new["access_token"], s if case["api_token_in"] == "bearer" else None))
    return None


def run_requests_oauthlib(case):
    from requests_oauthlib import OAuth2Session
    auth = case["client_auth"]
    basic = "client_secret_basic" in auth
    # A scope string joined with the provider's separator (oauthlib joins lists with spaces).
    s = OAuth2Session(case["client_id"], redirect_uri=case["redirect_uri"],
                      scope=case["scope_separator"].join(case["scopes"]) or None)
    kwargs = dict(case["token_extra_params"])
    if case["pkce"] == "required":  # requests-oauthlib 1.3 has no PKCE helper: documented kwargs
        import base64
        import hashlib
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
        extra = dict(extra_authorize(case), code_challenge=challenge.decode(),
                     code_challenge_method="S256")
        kwargs["code_verifier"] = verifier
    else:
        extra = extra_authorize(case)
    url, state = s.authorization_url(case["authorize_url"], **extra)
    location, params = authorize(url, case)
    token_method = "POST" if "POST" in case["methods"] else "GET"
    auth_arg = HTTPBasicAuth(case["client_id"], case["client_secret"]) if basic else None
    try:
        if case["code_param"] == "code":
            token = s.fetch_token(case["token_url"], authorization_response=location,
                                  client_secret=case["client_secret"], auth=auth_arg,
                                  include_client_id=not basic, method=token_method, **kwargs)
        else:
            token = s.fetch_token(case["token_url"], code=params[case["code_param"]],
                                  client_secret=case["client_secret"], auth=auth_arg,
                                  include_client_id=not basic, method=token_method, **kwargs)
    except Exception as e:
        raise StepFailed(f"token: {type(e).__name__}: {e}")
    check_api(api_request(case, token["access_token"], s if case["api_token_in"] == "bearer" else None))
    if not case["refresh"]:
        return None
    if not token.get("refresh_token"):
        raise StepFailed("refresh: no refresh_token in the token answer")
    # requests-oauthlib sends the session's scope on refresh by itself.
    refresh_extra = {k: v for k, v in case["refresh_extra_params"].items() if k != "scope"}
    try:
        if basic:
            new = s.refresh_token(case["refresh_url"], refresh_token=token["refresh_token"],
                                  auth=auth_arg, **refresh_extra)
        else:
            new = s.refresh_token(case["refresh_url"], refresh_token=token["refresh_token"],
                                  client_id=case["client_id"], client_secret=case["client_secret"],
                                  **refresh_extra)
    except Exception as e:
        raise StepFailed(f"refresh: {type(e).__name__}: {e}")
    check_api(api_request(case, new["access_token"], s if case["api_token_in"] == "bearer" else None))
    return None


RUNNERS = {"authlib": run_authlib, "requests-oauthlib": run_requests_oauthlib}


def run(library, case):
    try:
        return RUNNERS[library](case)
    except StepFailed as e:
        return str(e)
    except Exception as e:  # a library crash is a failure of this case, not of the harness
        return f"crash: {type(e).__name__}: {e}"
