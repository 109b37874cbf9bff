"""A Python OAuth client against the mock IdP: Authlib's OAuth2Session (RFC 6749
client_secret_basic, RFC 8693 token exchange as an extension grant) and PyJWT's
PyJWKClient, which verifies the issued tokens against the served JWKS.

Usage: authlib_peer.py CONFIG_JSON  (issuers, endpoints, subject token; see
test/integration/python-authlib.test.mts). Prints one JSON object.
"""

import json
import sys

import jwt
from authlib.integrations.requests_client import OAuth2Session

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"


def verify(token, jwks_uri, issuer, audience):
    key = jwt.PyJWKClient(jwks_uri).get_signing_key_from_jwt(token)
    return jwt.decode(
        token, key.key, algorithms=["RS256", "ES256"], issuer=issuer, audience=audience
    )


def main():
    cfg = json.loads(sys.argv[1])
    out = {}

    okta = cfg["okta"]
    session = OAuth2Session(
        okta["client_id"],
        okta["client_secret"],
        token_endpoint_auth_method="client_secret_basic",
    )
    token = session.fetch_token(
        okta["token_endpoint"],
        grant_type=TOKEN_EXCHANGE,
        subject_token=okta["subject_token"],
        subject_token_type=ACCESS_TOKEN,
        audience="backend-api",
        scope="api:read",
    )
    claims = verify(token["access_token"], okta["jwks_uri"], okta["issuer"], "backend-api")
    out["okta_exchange"] = {
        "issued_token_type": token.get("issued_token_type"),
        "token_type": token.get("token_type"),
        "claims": {k: claims.get(k) for k in ("sub", "aud", "scp", "cid")},
    }

    try:
        session.fetch_token(
            okta["token_endpoint"],
            grant_type=TOKEN_EXCHANGE,
            subject_token=okta["subject_token"],
            subject_token_type=ACCESS_TOKEN,
            audience="backend-api",
            scope="mcp:tools:call",
        )
        out["okta_bad_scope"] = None
    except Exception as error:  # authlib raises OAuthError with .error
        out["okta_bad_scope"] = getattr(error, "error", type(error).__name__)

    kc = cfg["keycloak"]
    session = OAuth2Session(
        kc["client_id"], kc["client_secret"], token_endpoint_auth_method="client_secret_post"
    )
    token = session.fetch_token(kc["token_endpoint"], grant_type="client_credentials")
    claims = verify(token["access_token"], kc["jwks_uri"], kc["issuer"], "backend-api")
    out["keycloak_client_credentials"] = {k: claims.get(k) for k in ("sub", "azp", "typ")}

    print(json.dumps(out))


if __name__ == "__main__":
    main()
