"""One case per profile: what a developer configures a client library with, taken from what the
provider documents (the simulator's GET /_sim/providers summary of its profile)."""
import urllib.parse

SEPARATORS = {"space": " ", "comma": ",", "plus": "+", "none": " "}


def make_case(provider, registration):
    d = provider["dialect"]
    client_id, secret, redirect_uri, authorize_id = registration
    scopes = list(d.get("default_scopes") or [])
    known = d.get("scopes") or []
    if not scopes and known and d.get("scope_separator") != "none":
        scopes = [known[0]]
    issued = d.get("refresh_issued")
    extra = dict(d.get("authorize_extra_params") or {})
    if isinstance(issued, dict) and "scope" in issued and issued["scope"] not in scopes:
        scopes.append(issued["scope"])
    if isinstance(issued, dict) and "authorize_param" in issued:
        extra.update(issued["authorize_param"])
    if d.get("scope_separator") == "none":
        scopes = []
    separator = SEPARATORS.get(d.get("scope_separator", "space"), " ")

    # Extra token / refresh parameters the provider documents; "*" = any non-empty value,
    # which a developer fills with what the parameter means.
    def filled(params):
        known = {"redirect_uri": redirect_uri, "scope": separator.join(scopes) or "x"}
        return {k: (known.get(k, "x") if v == "*" else v) for k, v in (params or {}).items()}
    token_extra = filled(d.get("token_extra_params"))
    refresh_extra = filled(d.get("refresh_extra_params"))
    if d.get("token_client_id_param", "client_id") != "client_id":  # TikTok client_key
        token_extra[d["token_client_id_param"]] = client_id
        refresh_extra[d["token_client_id_param"]] = client_id
    return {
        "slug": provider["slug"],
        "authorize_url": provider["authorize_url"],
        "token_url": provider["token_url"],
        "refresh_url": provider["refresh_url"],
        "api_me_url": provider["api_me_url"],
        "client_id": client_id,
        "client_secret": secret,
        "redirect_uri": redirect_uri,
        # The id the authorization request names (Amazon: the application id) and its name.
        "authorize_id": authorize_id,
        "client_id_param": d.get("client_id_param", "client_id"),
        "token_client_id_param": d.get("token_client_id_param", "client_id"),
        "scopes": scopes,
        "scope_separator": separator,
        "token_extra_params": token_extra,
        "refresh_extra_params": refresh_extra,
        "extra_authorize_params": extra,
        "pkce": d.get("pkce", "supported"),
        "client_auth": d.get("client_auth", []),
        # Further ways the real provider accepts (its `tolerate` block, with evidence).
        "client_auth_tolerated": ((d.get("tolerate") or {}).get("token", {})
                                  .get("client_auth", {}).get("accept", [])),
        "encoding": d.get("encoding", []),
        "methods": d.get("token_methods", ["POST"]),
        "code_param": d.get("code_param", "code"),
        "refresh": issued != "never",
        "refresh_grant_type": d.get("refresh_grant_type", "refresh_token"),
        "refresh_client_auth": d.get("refresh_client_auth", []),
        "api_token_in": d.get("api_token_in", "bearer"),
        "api_token_name": d.get("api_token_name", ""),
    }


def callback_params(location):
    query = urllib.parse.urlsplit(location).query
    return dict(urllib.parse.parse_qsl(query, keep_blank_values=True))


def split_url(url):
    """(origin, path?query) for libraries configured with a host and a path."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + ("?" + parts.query if parts.query else "")
    return parts.scheme + "://" + parts.netloc, path
