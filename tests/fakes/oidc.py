"""A small OpenID Connect provider on 127.0.0.1, for tests: discovery, authorisation (code flow with PKCE),
token (an id_token signed RS256 with a key it makes, published at its JWKS endpoint) and userinfo.

A test says who logs in next (``provider.user = {"sub": ..., "phone_number": ...}``) and, to play an attacker or
a broken provider, what to spoil in the next id_token (``provider.spoil = {"aud": "another-client"}``, a wrong
``nonce``, or ``"signature"`` to sign with a key it never published).
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "ky-nang-so"
CLIENT_SECRET = "bi-mat-cua-ung-dung"
KEY_ID = "fake-key-1"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeProvider:
    """The provider's state: its key, the codes and tokens it gave, who logs in next."""

    def __init__(self):
        self.key = new_key()
        self.user = {"sub": "nguoi-dung-1"}
        self.spoil = {}
        self.codes = {}  # code -> what the authorisation request asked
        self.access_tokens = {}  # access token -> the user's claims
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler_class())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()

    def discovery(self):
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self):
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}

    def authorize(self, query):
        """Log the next user in at once (no form to fill) and send them back with a code and the state."""
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return 400, {"error": "invalid_request"}
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**query, "user": dict(self.user)}
        location = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        return 302, location

    def token(self, form):
        """Exchange a code (once) for an access token and an id_token, checking the client and PKCE."""
        asked = self.codes.pop(form.get("code"), None)
        if (
            asked is None
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
            or form.get("redirect_uri") != asked["redirect_uri"]
            or not pkce_matches(form.get("code_verifier", ""), asked.get("code_challenge", ""))
        ):
            return 400, {"error": "invalid_grant"}
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = asked["user"]
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": asked["user"]["sub"],
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": asked.get("nonce"),
            **{name: value for name, value in self.spoil.items() if name != "signature"},
        }
        signing_key = new_key() if self.spoil.get("signature") else self.key
        id_token = jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": KEY_ID})
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

    def userinfo(self, authorization):
        claims = self.access_tokens.get(authorization.removeprefix("Bearer "))
        if claims is None:
            return 401, {"error": "invalid_token"}
        return 200, claims

    def handler_class(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlsplit(self.path)
                query = {name: values[0] for name, values in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self.answer(200, provider.discovery())
                elif url.path == "/jwks":
                    self.answer(200, provider.jwks())
                elif url.path == "/authorize":
                    self.answer(*provider.authorize(query))
                elif url.path == "/userinfo":
                    self.answer(*provider.userinfo(self.headers.get("Authorization", "")))
                else:
                    self.answer(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path == "/token":
                    self.answer(*provider.token(form))
                else:
                    self.answer(404, {"error": "not_found"})

            def answer(self, status, body):
                if status == 302:
                    self.send_response(302)
                    self.send_header("Location", body)
                    self.end_headers()
                    return
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Handler


def pkce_matches(verifier, challenge):
    """RFC 7636 S256: the challenge is the unpadded base64url SHA-256 of the verifier."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return bool(verifier) and secrets.compare_digest(digest, challenge)
